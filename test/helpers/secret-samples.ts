// Fake credentials of every built-in redaction kind (DESIGN §4.5), for the unit and end-to-end tests.

/** One fake credential of every built-in kind, as agents print them (the secret part, and the line around it). */
export const SECRETS: Record<string, { secret: string; line: (s: string) => string }> = {
  openai_anthropic_key: { secret: 'sk-proj-Q2x9TLm4VbN8rW1kP6sD3fG7hJ0aZc5Y', line: (s) => `OPENAI_API_KEY=${s} loaded` },
  aws_access_key_id: { secret: 'AKIAIOSFODNN7EXAMPLE', line: (s) => `using aws key ${s} for s3` },
  github_token: { secret: 'ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6', line: (s) => `git clone https://x-access-token:${s}@github.com/org/repo` },
  github_pat: { secret: 'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH', line: (s) => `GH_TOKEN=${s}` },
  slack_token: { secret: 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', line: (s) => `slack client token=${s} ready` },
  google_api_key: { secret: 'AIzaSyD4x7Lm2Qp9Rt5Vw8Yz1Bc3Ef6Gh0Jk2Nm', line: (s) => `maps?key=${s}&q=paris` },
  jwt: { secret: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', line: (s) => `session cookie jwt=${s}; path=/` },
  bearer: { secret: 'tok_9f8e7d6c5b4a39281706', line: (s) => `> GET /v1/models Authorization: Bearer ${s} host=api` },
  pem_private_key: {
    secret: 'MIIEowIBAAKCAQEAx4UbaDzY5q0xZCyN1Hn1vE2r',
    line: (s) => `key file: -----BEGIN RSA PRIVATE KEY-----\n${s}\nZm9vYmFyYmF6\n-----END RSA PRIVATE KEY----- (end)`,
  },
  azure_account_key: { secret: 'Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg==', line: (s) => `conn DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=${s};EndpointSuffix=core.windows.net` },
  azure_sas: { secret: 'sv=2022-11-02&ss=b&srt=co&sig=abcDEF123%2Bxyz%3D', line: (s) => `BlobEndpoint=https://acct.blob.core.windows.net/;SharedAccessSignature=${s}` },
  azure_sas_sig: { secret: 'Xy7%2Bq9ZrT3k%3D', line: (s) => `GET https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026&sig=${s} 200` },
};

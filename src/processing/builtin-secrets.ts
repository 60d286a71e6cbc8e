/**
 * The credentials agents print (DESIGN §4.5 step 3). Each kind starts with a literal (its
 * `prefixes`), which lets the redactor skip a line in one scan for those literals. `group`: only
 * the first capture group is the secret (the value after `Bearer `), the rest stays readable.
 */
export interface SecretPattern {
  kind: string;
  source: string;
  prefixes: string[];
}

export const BUILTIN_SECRETS: readonly SecretPattern[] = [
  // OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-api03-…) keys.
  { kind: 'openai_anthropic_key', source: String.raw`\bsk-[A-Za-z0-9_-]{20,}`, prefixes: ['sk-'] },
  { kind: 'aws_access_key_id', source: String.raw`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`, prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA'] },
  { kind: 'github_token', source: String.raw`\bgh[pousr]_[A-Za-z0-9]{30,255}\b`, prefixes: ['ghp_', 'gho_', 'ghs_', 'ghu_', 'ghr_'] },
  { kind: 'github_pat', source: String.raw`\bgithub_pat_[A-Za-z0-9_]{22,255}`, prefixes: ['github_pat_'] },
  { kind: 'slack_token', source: String.raw`\bxox[abeoprs]-[A-Za-z0-9-]{10,}`, prefixes: ['xox'] },
  { kind: 'google_api_key', source: String.raw`\bAIza[0-9A-Za-z_-]{35}`, prefixes: ['AIza'] },
  // header.payload.signature, both JSON parts base64url of `{"`.
  { kind: 'jwt', source: String.raw`\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`, prefixes: ['eyJ'] },
  { kind: 'bearer', source: String.raw`\b(?:[Bb]earer|BEARER)\s+([A-Za-z0-9._~+/-]{8,}=*)`, prefixes: ['earer', 'EARER'] },
  // The whole block; a block cut off (no END line) is replaced to the end of the text.
  { kind: 'pem_private_key', source: String.raw`-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)`, prefixes: ['-----BEGIN '] },
  { kind: 'azure_account_key', source: String.raw`\b(?:AccountKey|SharedAccessKey)=([^;\s"'&]+)`, prefixes: ['AccountKey=', 'SharedAccessKey='] },
  { kind: 'azure_sas', source: String.raw`\bSharedAccessSignature=([^;\s"']+)`, prefixes: ['SharedAccessSignature='] },
  // The signature of a SAS URL (`…?sv=…&sig=…`).
  { kind: 'azure_sas_sig', source: String.raw`[?&]sig=([^&\s"']+)`, prefixes: ['sig='] },
];

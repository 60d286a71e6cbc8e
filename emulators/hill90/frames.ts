// SSE frames of the events route (PLATFORMS §2.5): bare `data:` frames, `event: end`, `event: error`.
import type { AppendItem, Family, RawItem, TypedItem } from './types.ts';

export const END_FRAME = 'event: end\ndata: stream closed\n\n';

/** `data:` lines for a payload (a newline inside becomes several `data:` lines). */
export function dataFrame(data: string): string {
  return `${data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join('\n')}\n\n`;
}

export function typedFrame(event: string, data: string): string {
  return `event: ${event}\n${dataFrame(data)}`;
}

export function errorFrame(payload: string | { error: string; detail?: string }): string {
  return typedFrame('error', typeof payload === 'string' ? payload : JSON.stringify(payload));
}

export const credentialExpiredFrame = (): string =>
  errorFrame({ error: 'Credential expired', detail: 'The stream ended because the credential that authorised it expired.' });

export function isRaw(item: AppendItem): item is RawItem {
  return typeof (item as RawItem).raw === 'string';
}

export function isTyped(item: AppendItem): item is TypedItem {
  return typeof (item as TypedItem).event === 'string' && typeof (item as TypedItem).data === 'string';
}

/** Inference events have `inference-` ids (PLATFORMS §2.4). */
export function familyOf(id: string): Family {
  return id.startsWith('inference-') ? 'inference' : 'container';
}

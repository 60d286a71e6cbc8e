// A key path into the config: object keys and list indexes, outermost first.
export type PathSegment = string | number;

export const pathKey = (path: readonly PathSegment[]): string => JSON.stringify(path);

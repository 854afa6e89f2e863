/**
 * What a server value becomes in a response body: the route helper `json()` runs JSON.stringify,
 * which turns every Date into its ISO string. The client's response types are `Wire<ServerType>`,
 * so a field the server adds, drops or retypes shows up in the client's types.
 */
export type Wire<T> = T extends Date ? string : T extends readonly (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

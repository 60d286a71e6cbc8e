// prom-client's files under lib/ have no declarations of their own; prom.ts gives them its index's types.
declare module 'prom-client/lib/*.js' {
  const value: unknown;
  export default value;
}

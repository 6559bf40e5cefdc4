/**
 * Whether the operator set a V8 flag, on the `node` command line or in NODE_OPTIONS: where they
 * did, the server leaves that setting alone. V8 accepts `-` and `_` alike inside flag names.
 */
export function flagChosenByOperator(flag: RegExp, execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => flag.test(arg));
}

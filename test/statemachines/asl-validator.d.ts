/** asl-validator v4 ships CommonJS without types; this is the part of its API the tests use. */
declare module 'asl-validator' {
  interface AslValidatorOptions {
    readonly checkPaths?: boolean;
    readonly checkArn?: boolean;
  }
  interface AslValidatorResult {
    readonly isValid: boolean;
    readonly errors: readonly { readonly message?: string; readonly path?: string }[];
    errorsText(separator?: string): string;
  }
  /** Note: it writes a default `QueryLanguage` into every state of the definition it is given. */
  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidatorResult;
  export default aslValidator;
}

/** @module stellar — the Stellar expression language (lexer, parser, compiler, functions, REPL). Not built yet. */
export {};

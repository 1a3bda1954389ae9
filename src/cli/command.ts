// What a command module exports, and the one way to make one: its spec (flags, usage) and a function of the
// parsed values. --help prints the usage made from the spec.
import { parseFlags, usage, wantsHelp, type CommandSpec, type ParsedArgs } from './flags.js';

export interface Command {
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** A command from its spec and what it does with the parsed flags and positionals. */
export function defineCommand<const S extends CommandSpec>(spec: S, run: (args: ParsedArgs<S['flags']>, argv: string[]) => Promise<number>): Command & { spec: S } {
  return {
    spec,
    async run(argv) {
      if (wantsHelp(argv)) {
        console.log(usage(spec));
        return 0;
      }
      return run(parseFlags(spec, argv), argv);
    },
  };
}

// The dcgan command line: dispatches to one module per command (./commands), loaded only when that command
// runs, so `dcgan --help` is instant and works without the native engine.
import { isUserError } from '../errors.js';

export interface Command {
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

interface Entry {
  /** One line for `dcgan --help`. */
  summary: string;
  load(): Command;
}

 
const COMMANDS: Record<string, Entry> = {
  info: { summary: 'show the engine: backend, threads, libtorch, kernels', load: () => require('./commands/info.js').command },
};
 

function help(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    'dcgan: train, sample, explore and evaluate Deep Convolutional GANs (Radford et al. 2015)',
    '',
    'usage: dcgan <command> [flags]     (dcgan <command> --help for its flags)',
    '',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n]!.summary}`),
  ].join('\n');
}

/** Runs the command line; returns the exit code. User errors print one line, without a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return 0;
  }
  if (name === '--version' || name === '-v') {
     
    console.log((require('../../package.json') as { version: string }).version);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    console.error(`dcgan: unknown command '${name}'. Commands: ${Object.keys(COMMANDS).join(', ')} (dcgan --help).`);
    return 2;
  }
  try {
    return await entry.load().run(rest);
  } catch (e) {
    if (isUserError(e)) {
      console.error(`dcgan ${name}: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

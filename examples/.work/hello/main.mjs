// The application's entry point: prints the greeting for the name given on the command line.
import { greet } from './greet.mjs';

process.stdout.write(`${greet(process.argv.slice(2).join(' '))}\n`);

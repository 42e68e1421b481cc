import { main } from './main.js';

// The bin entry: run, then exit with the command's code (docs/cli.md).
process.exitCode = await main(process.argv.slice(2));

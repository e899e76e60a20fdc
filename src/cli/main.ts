/**
 * Entry point of the bundled CLI. `--version` is answered before anything else is imported, so
 * it costs little more than starting Node; every other path loads the program lazily.
 */
import { VERSION } from '../util/version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${VERSION}\n`);
} else {
  const { main } = await import('./program.js');
  await main(argv);
}

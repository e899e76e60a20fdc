/**
 * Entry point of the bundled CLI. `--version` is answered before anything else is imported, so
 * it costs little more than starting Node; every other path loads the program lazily.
 */
// The version is inlined at build time (not imported) so this file statically imports nothing.
declare const __TETHER_VERSION__: string;

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  process.stdout.write(`${__TETHER_VERSION__}\n`);
} else {
  const { main } = await import('./program.js');
  await main(argv);
}

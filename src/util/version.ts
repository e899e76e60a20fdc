declare const __TETHER_VERSION__: string;

/** The package version, inlined at build time. */
export const VERSION: string = typeof __TETHER_VERSION__ === 'string' ? __TETHER_VERSION__ : '0.0.0-dev';

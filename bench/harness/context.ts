/** What every benchmark section receives and returns. */
import type { Profile } from './config.js';
import type { HarnessPaths } from './load-src.js';
import type { ResultTable } from './report.js';
import type { Verdict } from './targets.js';

/** Shared, read-mostly context of a run. */
export interface SectionContext {
  paths: HarnessPaths;
  profile: Profile;
  /** Progress line on stderr. */
  log(message: string): void;
  /** Figures of the sections that already ran, by section id. */
  figures: Map<string, Record<string, unknown>>;
}

/** What a section produces. */
export interface SectionOutput {
  figures: Record<string, unknown>;
  tables?: ResultTable[];
  notes?: string[];
  /** Verdicts for the targets this section owns (see targets.ts), by target id. */
  verdicts?: Record<string, Verdict>;
}

/** A benchmark section. */
export interface Section {
  id: string;
  name: string;
  run(ctx: SectionContext): Promise<SectionOutput>;
}

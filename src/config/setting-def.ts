/**
 * The shape of one setting (key, env var, type, default, meaning) and `def`, which keeps its
 * literal types. The table itself is SETTINGS in schema.ts.
 */

export type SettingType = 'string' | 'int' | 'bool' | 'enum' | 'url' | 'headers';

export interface SettingDef {
  key: string;
  env: string;
  type: SettingType;
  values?: readonly string[];
  min?: number;
  max?: number;
  default: string | number | boolean;
  description: string;
}

/** Declares a setting, keeping its key and type as literals (for the typed Settings object). */
export const def = <const T extends SettingDef>(d: T): T => d;

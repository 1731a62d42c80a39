/**
 * The simulated Confluence page's content: the macros inserted on it, each with its localId and the
 * config its dialog saved (Confluence keeps both in the page). Kept in `confluence-page.json` in the
 * site's data folder, so a frozen report's records (stored under the macro's localId) stay attached to
 * their macro across restarts; in memory for a site without a data folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID, createHash } from 'node:crypto';
import { z } from 'zod';

export interface MacroInstance {
  localId: string;
  moduleKey: string;
  config?: Record<string, unknown>;
}

const pageSchema = z.object({ macros: z.array(z.object({ localId: z.string().min(1).max(128), moduleKey: z.string().min(1), config: z.record(z.string(), z.unknown()).optional() })) });

/** The first instance of each macro, on the page from the start: stable across restarts. */
export function firstLocalId(moduleKey: string): string {
  const hex = createHash('sha256').update(`macro:${moduleKey}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export class ConfluencePage {
  private macros: MacroInstance[];

  constructor(
    moduleKeys: readonly string[],
    private readonly file: string | null,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.macros = moduleKeys.map((moduleKey) => ({ localId: firstLocalId(moduleKey), moduleKey }));
    if (file && fs.existsSync(file)) {
      const parsed = pageSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (parsed.success) this.macros = parsed.data.macros.filter((macro) => moduleKeys.includes(macro.moduleKey));
      else log(`${file} is not a page the local Confluence can read; the page starts over.`);
    }
  }

  static inFolder(moduleKeys: readonly string[], dataDir: string, log?: (line: string) => void): ConfluencePage {
    return new ConfluencePage(moduleKeys, dataDir === ':memory:' ? null : path.join(dataDir, 'confluence-page.json'), log);
  }

  list(): readonly MacroInstance[] {
    return this.macros;
  }

  find(localId: string): MacroInstance | undefined {
    return this.macros.find((macro) => macro.localId === localId);
  }

  insert(moduleKey: string): MacroInstance {
    const macro = { localId: randomUUID(), moduleKey };
    this.macros.push(macro);
    this.save();
    return macro;
  }

  remove(localId: string): boolean {
    const before = this.macros.length;
    this.macros = this.macros.filter((macro) => macro.localId !== localId);
    this.save();
    return this.macros.length < before;
  }

  configure(localId: string, config: Record<string, unknown>): boolean {
    const macro = this.find(localId);
    if (!macro) return false;
    macro.config = config;
    this.save();
    return true;
  }

  private save(): void {
    if (this.file) fs.writeFileSync(this.file, `${JSON.stringify({ macros: this.macros }, null, 2)}\n`);
  }
}

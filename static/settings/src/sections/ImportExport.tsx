/** The whole document as JSON: exported for a file, imported back (checked whole before anything is stored). */
import { useState } from 'react';
import Button from '@atlaskit/button/default/button';
import { Inline } from '@atlaskit/primitives';
import type { SettingsExport } from '@pmo/contract';
import { callResolver } from '../../../shared/api';
import { failureText } from './failure';
import { Section } from './common';

export function ImportExport({ disabled, problems, onImport, onError }: { disabled: boolean; problems: string[]; onImport: (json: string) => void; onError: (text: string) => void }) {
  const [importText, setImportText] = useState('');
  const [exported, setExported] = useState<SettingsExport | null>(null);
  return (
    <Section title="Export and import" testId="section-import" problems={problems} prefixes={[]}>
      <Inline space="space.100">
        <Button testId="export" onClick={() => void callResolver('settings/export', {}).then(setExported, (error: unknown) => onError(failureText(error)))}>
          Export as JSON
        </Button>
        {exported ? (
          <a data-testid="export-file" download={exported.fileName} href={`data:application/json;charset=utf-8,${encodeURIComponent(exported.json)}`}>
            Download {exported.fileName}
          </a>
        ) : null}
      </Inline>
      <textarea aria-label="Settings JSON to import" data-testid="import-json" rows={6} cols={80} disabled={disabled} value={importText} onChange={(event) => setImportText(event.currentTarget.value)} />
      <Button testId="import" isDisabled={disabled || importText.trim() === ''} onClick={() => onImport(importText)}>
        Import (checked whole before anything is stored)
      </Button>
    </Section>
  );
}

/** The project page (jira:projectPage): the health view of the project it is opened in. */
import { useEffect, useState } from 'react';
import { view } from '@forge/bridge';
import { Box, Stack, Text } from '@atlaskit/primitives';
import { ProjectHealth } from '../../shared/ProjectHealth';
import { Baselines } from './Baselines';

type Opened = { state: 'loading' } | { state: 'ready'; projectKey: string } | { state: 'failed'; message: string };

export function App() {
  const [opened, setOpened] = useState<Opened>({ state: 'loading' });
  useEffect(() => {
    view
      .getContext()
      .then((context) => {
        const key = (context.extension as { project?: { key?: unknown } } | undefined)?.project?.key;
        setOpened(typeof key === 'string' ? { state: 'ready', projectKey: key } : { state: 'failed', message: 'This page was not opened in a project.' });
      })
      .catch((error: unknown) => setOpened({ state: 'failed', message: error instanceof Error ? error.message : String(error) }));
  }, []);
  return (
    <Box padding="space.300">
      {opened.state === 'ready' ? (
        <Stack space="space.200">
          <ProjectHealth projectKey={opened.projectKey} />
          <Baselines projectKey={opened.projectKey} />
        </Stack>
      ) : null}
      {opened.state === 'failed' ? <Text testId="project-context-error">{opened.message}</Text> : null}
    </Box>
  );
}

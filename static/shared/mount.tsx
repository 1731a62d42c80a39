/** Starts a Custom UI: follows Jira's light or dark theme and renders the surface's App into #root. */
import { StrictMode, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { view } from '@forge/bridge';
import '@atlaskit/css-reset';

export function mount(App: ComponentType): void {
  // The page still renders if theming is unavailable.
  view.theme.enable().catch(() => undefined);
  const container = document.getElementById('root');
  if (container) {
    createRoot(container).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  }
}

import { render } from 'preact';
import { App } from './app';
import { signIn } from './auth';
import { configureApi } from './api';
import { BASE, type RuntimeConfig } from './env';
import './styles.css';

async function boot(): Promise<void> {
  const config = (await (await fetch(`${BASE}config.json`, { cache: 'no-store' })).json()) as RuntimeConfig;
  configureApi(config.apiUrl, await signIn(config));
  render(<App />, document.getElementById('app')!);
}

void boot().catch((error: Error) => {
  document.getElementById('app')!.textContent = `StockSentry console could not start: ${error.message}`;
});

// <steward-shortcuts>: the console's keyboard shortcuts and its light/dark theme. One element in the main layout
// listens to the keys on the whole page (never while the user types in a field) and matches single keys and two-key
// sequences ("g r"). Shortcuts that stay in the browser are defined here (?, /, t); the server adds its own through
// the `shortcuts` property (the main layout's navigation, and a view's while it is shown: console/Shortcuts.java) and
// hears them as `shortcut` events. `?` lists them all in an overlay.
//
// The theme is Lumo's dark variant on <html theme="dark">, remembered in localStorage; it is applied as soon as this
// module loads, so a reload shows the chosen theme.

interface Shortcut {
  keys: string;
  description: string;
}

const THEME_KEY = 'steward.theme';
const SEQUENCE_MS = 1200;

export function applyTheme(dark: boolean) {
  if (dark) document.documentElement.setAttribute('theme', 'dark');
  else document.documentElement.removeAttribute('theme');
}

export function toggleTheme() {
  const dark = document.documentElement.getAttribute('theme') !== 'dark';
  applyTheme(dark);
  try {
    localStorage.setItem(THEME_KEY, dark ? 'dark' : 'light');
  } catch {
    // storage blocked (private mode): the theme lasts until the page reloads
  }
}

try {
  applyTheme(localStorage.getItem(THEME_KEY) === 'dark');
} catch {
  applyTheme(false);
}

/** Whether the key press belongs to a text field, where letters are text and not shortcuts. */
function typing(event: KeyboardEvent) {
  for (const target of event.composedPath()) {
    if (!(target instanceof HTMLElement)) continue;
    if (target.isContentEditable) return true;
    if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
    if (target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(target.type)) return true;
  }
  return false;
}

const BUILT_IN: Shortcut[] = [
  { keys: '?', description: 'Show the keyboard shortcuts' },
  { keys: '/', description: 'Focus the search field' },
  { keys: 't', description: 'Toggle light and dark theme' },
];

export class ShortcutsElement extends HTMLElement {
  private server: Shortcut[] = [];
  private pending = '';
  private pendingAt = 0;
  private readonly dialog: HTMLDialogElement;
  private readonly onKey = (e: KeyboardEvent) => this.key(e);

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `<style>
      :host { display: contents; }
      dialog { border: none; border-radius: var(--lumo-border-radius-l, 12px); padding: var(--lumo-space-l, 24px);
               background: var(--lumo-base-color, #fff); color: var(--lumo-body-text-color, #222);
               box-shadow: var(--lumo-box-shadow-xl, 0 8px 32px rgba(0,0,0,.3)); min-width: 22rem;
               font-family: var(--lumo-font-family, sans-serif); }
      dialog::backdrop { background: rgba(0, 0, 0, 0.35); }
      h2 { margin: 0 0 var(--lumo-space-m, 16px); font-size: var(--lumo-font-size-l, 20px); }
      table { border-collapse: collapse; width: 100%; }
      td { padding: 4px 8px; font-size: var(--lumo-font-size-s, 14px); }
      kbd { font-family: var(--lumo-font-family, monospace); background: var(--lumo-contrast-10pct, #eee);
            border-radius: 4px; padding: 1px 6px; margin-right: 2px; }
      p { margin: var(--lumo-space-m, 16px) 0 0; color: var(--lumo-secondary-text-color, #666);
          font-size: var(--lumo-font-size-xs, 12px); }
    </style>
    <dialog id="overlay" part="overlay" aria-labelledby="title"><h2 id="title">Keyboard shortcuts</h2>
      <table id="list"></table><p>Press Esc to close. Shortcuts do nothing while you type in a field.</p></dialog>`;
    this.dialog = root.getElementById('overlay') as HTMLDialogElement;
    this.dialog.addEventListener('click', (e) => {
      if (e.target === this.dialog) this.dialog.close();
    });
  }

  connectedCallback() {
    document.addEventListener('keydown', this.onKey);
  }

  disconnectedCallback() {
    document.removeEventListener('keydown', this.onKey);
  }

  /** The server's shortcuts (JSON text or array of {keys, description}). */
  set shortcuts(value: Shortcut[] | string) {
    this.server = typeof value === 'string' ? (JSON.parse(value) as Shortcut[]) : value;
    if (this.dialog.open) this.render();
  }

  get shortcuts(): Shortcut[] {
    return this.server;
  }

  get all(): Shortcut[] {
    return [...BUILT_IN, ...this.server];
  }

  open() {
    this.render();
    if (!this.dialog.open) this.dialog.showModal();
  }

  private render() {
    const list = this.shadowRoot!.getElementById('list')!;
    list.replaceChildren(...this.all.map((s) => {
      const row = document.createElement('tr');
      const keys = document.createElement('td');
      for (const k of s.keys.split(' ')) {
        const kbd = document.createElement('kbd');
        kbd.textContent = k;
        keys.appendChild(kbd);
      }
      const what = document.createElement('td');
      what.textContent = s.description;
      row.append(keys, what);
      row.dataset.keys = s.keys;
      return row;
    }));
  }

  private key(e: KeyboardEvent) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented || typing(e)) return;
    if (e.key.length !== 1) return;
    const now = Date.now();
    const sequence = this.pending && now - this.pendingAt < SEQUENCE_MS ? `${this.pending} ${e.key}` : e.key;
    const all = this.all;
    const match = all.find((s) => s.keys === sequence) ?? all.find((s) => s.keys === e.key);
    if (!match) {
      // the first key of a sequence ("g" of "g r") waits for the second
      const starts = all.some((s) => s.keys.startsWith(`${e.key} `));
      this.pending = starts ? e.key : '';
      this.pendingAt = now;
      return;
    }
    this.pending = '';
    e.preventDefault();
    if (this.dialog.open && match.keys !== '?') this.dialog.close();
    switch (match.keys) {
      case '?':
        this.open();
        break;
      case 't':
        toggleTheme();
        break;
      case '/': {
        const field = document.querySelector<HTMLElement>('[data-shortcut-search]');
        field?.focus();
        break;
      }
      default:
        this.dispatchEvent(new CustomEvent('shortcut', { detail: { keys: match.keys } }));
    }
  }
}

(window as unknown as { stewardToggleTheme: () => void }).stewardToggleTheme = toggleTheme;
if (!customElements.get('steward-shortcuts')) customElements.define('steward-shortcuts', ShortcutsElement);

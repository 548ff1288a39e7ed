// The app's screens are states of one router. Global keys (1–9, Tab, ?, q) are decided here,
// purely, so the quit guard and help overlay are tested without rendering.

export const SCREENS = [
  { id: 'overview', title: 'Overview', tab: 'Overview' },
  { id: 'interfaces', title: 'Interfaces', tab: 'Ifaces' },
  { id: 'ra', title: 'Router Advertisements', tab: 'RA' },
  { id: 'dhcpv6', title: 'DHCPv6', tab: 'DHCPv6' },
  { id: 'hosts', title: 'Hosts & routes', tab: 'Hosts' },
  { id: 'ndproxy', title: 'NDP proxy', tab: 'NDP' },
  { id: 'firewall', title: 'Firewall', tab: 'Firewall' },
  { id: 'changes', title: 'Changes', tab: 'Changes' },
  { id: 'logs', title: 'Logs', tab: 'Logs' },
] as const;

export type ScreenId = (typeof SCREENS)[number]['id'];

export interface RouterState {
  readonly screen: ScreenId;
  readonly help: boolean;
  /** Set while asking whether to quit with uncommitted candidate edits. */
  readonly quitPrompt: boolean;
  /** The screen is taking text (a search or a form): global keys stand aside. */
  readonly captured: boolean;
  readonly quitting: boolean;
}

export type RouterAction =
  | { readonly type: 'goto'; readonly screen: ScreenId }
  | { readonly type: 'step'; readonly delta: 1 | -1 }
  | { readonly type: 'toggle-help' }
  | { readonly type: 'quit'; readonly uncommitted: number }
  | { readonly type: 'quit-answer'; readonly yes: boolean }
  | { readonly type: 'capture'; readonly captured: boolean };

export const initialRouter: RouterState = { screen: 'overview', help: false, quitPrompt: false, captured: false, quitting: false };

export function routerReducer(state: RouterState, action: RouterAction): RouterState {
  switch (action.type) {
    case 'goto':
      return { ...state, screen: action.screen, help: false };
    case 'step': {
      const i = SCREENS.findIndex((s) => s.id === state.screen);
      const next = SCREENS[(i + action.delta + SCREENS.length) % SCREENS.length];
      return next === undefined ? state : { ...state, screen: next.id, help: false };
    }
    case 'toggle-help':
      return { ...state, help: !state.help };
    case 'quit':
      return action.uncommitted > 0 ? { ...state, quitPrompt: true } : { ...state, quitting: true };
    case 'quit-answer':
      return action.yes ? { ...state, quitPrompt: false, quitting: true } : { ...state, quitPrompt: false };
    case 'capture':
      return state.captured === action.captured ? state : { ...state, captured: action.captured };
  }
}

/** The subset of Ink's key flags the global handler reads. */
export interface KeyFlags {
  readonly tab?: boolean;
  readonly shift?: boolean;
  readonly escape?: boolean;
  readonly ctrl?: boolean;
}

/** What a key means globally, or undefined when it belongs to the screen. */
export function globalKey(state: RouterState, input: string, key: KeyFlags, uncommitted: number): RouterAction | undefined {
  if (state.quitPrompt) {
    if (input === 'y' || input === 'Y') return { type: 'quit-answer', yes: true };
    if (input === 'n' || input === 'N' || key.escape === true) return { type: 'quit-answer', yes: false };
    return undefined;
  }
  if (state.captured) return undefined;
  if (key.tab === true) return { type: 'step', delta: key.shift === true ? -1 : 1 };
  if (input === '?') return { type: 'toggle-help' };
  if (state.help && key.escape === true) return { type: 'toggle-help' };
  if (input === 'q' && key.ctrl !== true) return { type: 'quit', uncommitted };
  const n = /^[1-9]$/.test(input) ? Number(input) : 0;
  const target = SCREENS[n - 1];
  if (target !== undefined) return { type: 'goto', screen: target.id };
  return undefined;
}

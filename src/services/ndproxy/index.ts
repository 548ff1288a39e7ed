// The NDP proxy service: what the daemon and the API import.
export { NdProxy, type NdProxyOptions, type NdProxyStatus } from './runner.ts';
export { decide, initialState, withRules, DEFAULT_LIMITS, ALL_NODES, ALL_NODES_MAC, type Limits, type ProxyState, type ProxyInput, type ProxyAction, type SendNa, type NsInput, type Decision } from './core.ts';
export { rulesFromConfig, findRule, upstreamsOf, type ProxyRule, type ProxyMode, type RuleOptions } from './rules.ts';
export { receiveNs, type ReceivedNs, type FrameDropReason, type FrameResult } from './frame.ts';
export { naTemplate, buildNaFrame, type NaTemplate, type NaSender, type NaAnswer } from './na-frame.ts';
export { macValue, type MacValue } from './wire.ts';

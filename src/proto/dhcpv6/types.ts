// The closed set of DHCPv6 values this codec understands (RFC 8415 §8, §9, §11, §21; RFC 3646).
// Every option code without a typed form below is kept as a `raw` option so a round trip loses
// nothing. Addresses are RFC 5952 canonical text; lifetimes keep INFINITY (0xffffffff) as a number.

/** A DHCP Unique Identifier (RFC 8415 §11). Unknown DUID types are kept raw. */
export type Duid =
  /** DUID-LLT §11.2: time is seconds since 2000-01-01 UTC, modulo 2^32. */
  | { readonly type: 'llt'; readonly hardwareType: number; readonly time: number; readonly linkLayerAddress: Uint8Array }
  /** DUID-EN §11.3. */
  | { readonly type: 'en'; readonly enterpriseNumber: number; readonly identifier: Uint8Array }
  /** DUID-LL §11.4. */
  | { readonly type: 'll'; readonly hardwareType: number; readonly linkLayerAddress: Uint8Array }
  /** DUID-UUID (RFC 6355): lowercase 8-4-4-4-12 text. */
  | { readonly type: 'uuid'; readonly uuid: string }
  /** Any other DUID type: the type code and the octets after it. */
  | { readonly type: 'raw'; readonly duidType: number; readonly data: Uint8Array };

/** One sub-option of Vendor-specific Information (RFC 8415 §21.17); its meaning is the vendor's. */
export interface VendorSubOption {
  readonly code: number;
  readonly data: Uint8Array;
}

export type Dhcp6Option =
  | { readonly kind: 'client-id'; readonly duid: Duid } // §21.2
  | { readonly kind: 'server-id'; readonly duid: Duid } // §21.3
  | {
      readonly kind: 'ia-na'; // §21.4
      readonly iaid: number;
      readonly t1: number;
      readonly t2: number;
      readonly options: readonly Dhcp6Option[];
    }
  | { readonly kind: 'ia-ta'; readonly iaid: number; readonly options: readonly Dhcp6Option[] } // §21.5
  | {
      readonly kind: 'iaaddr'; // §21.6
      readonly address: string;
      readonly preferredLifetime: number;
      readonly validLifetime: number;
      readonly options: readonly Dhcp6Option[];
    }
  | { readonly kind: 'oro'; readonly codes: readonly number[] } // §21.7
  | { readonly kind: 'preference'; readonly value: number } // §21.8
  /** §21.9: hundredths of a second since the client began this exchange. */
  | { readonly kind: 'elapsed-time'; readonly centiseconds: number }
  | { readonly kind: 'relay-message'; readonly message: Dhcp6Message } // §21.10
  | {
      readonly kind: 'auth'; // §21.11
      readonly protocol: number;
      readonly algorithm: number;
      readonly rdm: number;
      /** Replay Detection, 8 octets. */
      readonly replayDetection: Uint8Array;
      readonly info: Uint8Array;
    }
  | { readonly kind: 'server-unicast'; readonly address: string } // §21.12
  | { readonly kind: 'status-code'; readonly status: number; readonly message: string } // §21.13
  | { readonly kind: 'rapid-commit' } // §21.14
  | { readonly kind: 'user-class'; readonly classes: readonly Uint8Array[] } // §21.15
  | { readonly kind: 'vendor-class'; readonly enterpriseNumber: number; readonly classes: readonly Uint8Array[] } // §21.16
  | { readonly kind: 'vendor-opts'; readonly enterpriseNumber: number; readonly options: readonly VendorSubOption[] } // §21.17
  | { readonly kind: 'interface-id'; readonly id: Uint8Array } // §21.18
  /** §21.19: the message type the client should send: Renew 5, Rebind 6 or Information-request 11. */
  | { readonly kind: 'reconfigure-message'; readonly messageType: number }
  | { readonly kind: 'reconfigure-accept' } // §21.20
  | { readonly kind: 'dns-servers'; readonly servers: readonly string[] } // RFC 3646 §3
  /** RFC 3646 §4: fully qualified names without the trailing dot; the root name is ".". */
  | { readonly kind: 'domain-list'; readonly domains: readonly string[] }
  | {
      readonly kind: 'ia-pd'; // §21.21
      readonly iaid: number;
      readonly t1: number;
      readonly t2: number;
      readonly options: readonly Dhcp6Option[];
    }
  | {
      readonly kind: 'iaprefix'; // §21.22
      readonly preferredLifetime: number;
      readonly validLifetime: number;
      readonly prefixLength: number;
      readonly prefix: string;
      readonly options: readonly Dhcp6Option[];
    }
  | { readonly kind: 'information-refresh-time'; readonly seconds: number } // §21.23
  | { readonly kind: 'sol-max-rt'; readonly seconds: number } // §21.24
  | { readonly kind: 'inf-max-rt'; readonly seconds: number } // §21.25
  /** An option code with no typed form above, kept byte for byte. */
  | { readonly kind: 'raw'; readonly code: number; readonly data: Uint8Array };

export type Dhcp6ClientServerType =
  | 'solicit'
  | 'advertise'
  | 'request'
  | 'confirm'
  | 'renew'
  | 'rebind'
  | 'reply'
  | 'release'
  | 'decline'
  | 'reconfigure'
  | 'information-request';

/** Client/server message format (RFC 8415 §8). */
export interface Dhcp6ClientServerMessage {
  readonly type: Dhcp6ClientServerType;
  /** 24 bits. */
  readonly transactionId: number;
  readonly options: readonly Dhcp6Option[];
}

/** Relay agent/server message format (RFC 8415 §9). */
export interface Dhcp6RelayMessage {
  readonly type: 'relay-forward' | 'relay-reply';
  readonly hopCount: number;
  readonly linkAddress: string;
  readonly peerAddress: string;
  readonly options: readonly Dhcp6Option[];
}

export type Dhcp6Message = Dhcp6ClientServerMessage | Dhcp6RelayMessage;

/** The option of one kind, e.g. `OptionOf<'ia-na'>`. */
export type OptionOf<K extends Dhcp6Option['kind']> = Extract<Dhcp6Option, { readonly kind: K }>;

/** Whether a message uses the relay format (RFC 8415 §9) rather than the client/server one. */
export function isRelay(msg: Dhcp6Message): msg is Dhcp6RelayMessage {
  return msg.type === 'relay-forward' || msg.type === 'relay-reply';
}

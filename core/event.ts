/**
 * The event contract: a flat record keyed by Metron's normalised field names.
 * A dotted name (`enrichments.geo.ip_dst_addr.country`) is one field here; the lake
 * stores it as a nested struct so the same path works in Stellar and in SQL.
 */
export type FieldValue =
  | string
  | number
  | boolean
  | null
  | Uint8Array
  | FieldValue[]
  | { [key: string]: FieldValue };

/**
 * Fields a parser knows to be floating point although their value is integral (`"TTLs":
 * [3600.0]` in the source). JavaScript numbers cannot carry that, and the lake needs it to
 * type a new column `double` rather than `long`. Kept under a symbol: never a field itself.
 */
export const DOUBLE_FIELDS: unique symbol = Symbol('palisade.doubleFields');

/** One normalised event. Sensor-specific fields sit beside the standard ones. */
export interface Event {
  [DOUBLE_FIELDS]?: Set<string>;
  [field: string]: FieldValue | undefined;
  timestamp?: number;
  guid?: string;
  'source.type'?: string;
  original_string?: string;
  ip_src_addr?: string;
  ip_src_port?: number;
  ip_dst_addr?: string;
  ip_dst_port?: number;
  protocol?: string;
}

/** Standard field names, spelled once. */
export const Fields = {
  timestamp: 'timestamp',
  guid: 'guid',
  sourceType: 'source.type',
  originalString: 'original_string',
  ipSrcAddr: 'ip_src_addr',
  ipSrcPort: 'ip_src_port',
  ipDstAddr: 'ip_dst_addr',
  ipDstPort: 'ip_dst_port',
  protocol: 'protocol',
  isAlert: 'is_alert',
} as const;

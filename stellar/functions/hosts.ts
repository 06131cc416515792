import type { FunctionDef, ParamDef } from './types.js';

/**
 * Functions a host implements: the enrichment stage (GeoIP, ASN, HBase-style enrichment tables,
 * cached objects), the profiler client, the model runtime and the REST client. They are declared
 * here so rules compile against one registry; a host binds them with `bindHosts`, and a rule
 * calling one where it is not bound is refused at compile time (S106).
 *
 * Arities follow Metron's implementations: a parameter is optional where Metron tolerates its
 * absence (GEO_GET() gives null), required where Metron fails without it.
 */

const host = (def: Omit<FunctionDef, 'namespace' | 'pure' | 'examples' | 'host'>): FunctionDef => ({
  ...def,
  namespace: def.name.slice(0, def.name.indexOf('_')),
  pure: false,
  examples: [],
  host: true,
});

const OVERRIDES: ParamDef = {
  name: 'config_overrides',
  description: 'a map of global-config settings overriding the profiler client settings for this call',
  optional: true,
};

const ENRICHMENT_TABLE_PARAMS: readonly ParamDef[] = [
  { name: 'enrichment_type', description: 'the enrichment type, e.g. malicious_ip' },
  { name: 'indicator', description: 'the indicator to look up, e.g. an IP address' },
  { name: 'nosql_table', description: 'the enrichment table' },
  { name: 'column_family', description: 'the column family' },
];

const PROFILE_PARAMS: readonly ParamDef[] = [
  { name: 'profile', description: 'the name of the profile' },
  { name: 'entity', description: 'the entity the profile was computed for' },
  { name: 'periods', description: 'the profile periods to read, from PROFILE_FIXED or PROFILE_WINDOW' },
  {
    name: 'groups',
    description: "a list of group values matching the profile's groupBy (default: no groups)",
    optional: true,
  },
  OVERRIDES,
];

const REST_CONFIG: ParamDef = {
  name: 'config',
  description:
    'a map of REST settings (timeout, basic.auth.user, proxy.host, response.codes.allowed, …) over the global rest settings',
  optional: true,
};

const REST_QUERY: ParamDef = { name: 'query', description: 'a map of query parameters', optional: true };

export const HOST_FUNCTIONS: readonly FunctionDef[] = [
  host({
    name: 'GEO_GET',
    family: 'enrichment',
    description: 'Looks an IPv4 address up in the GeoLite2 City database.',
    params: [
      { name: 'ip', description: 'the IPv4 address (null or blank gives null)', optional: true },
      {
        name: 'fields',
        description:
          'a list of fields: locID, country, city, postalCode, dmaCode, latitude, longitude, location_point',
        optional: true,
      },
    ],
    returns:
      'a map of the location fields (strings); one field as a string; an empty map when the address is unknown',
  }),
  host({
    name: 'ASN_GET',
    family: 'enrichment',
    description: 'Looks an IP address up in the GeoLite2 ASN database.',
    params: [
      { name: 'ip', description: 'the IP address (null or blank gives null)', optional: true },
      {
        name: 'fields',
        description: 'a list of fields: network, autonomous_system_number, autonomous_system_organization',
        optional: true,
      },
    ],
    returns: 'a map of the ASN fields; one field as its value; an empty map when the address is unknown',
  }),
  host({
    name: 'ENRICHMENT_GET',
    family: 'enrichment',
    description: 'Reads the value stored for an enrichment type and indicator in an enrichment table.',
    params: ENRICHMENT_TABLE_PARAMS,
    returns: 'the stored map, or an empty map when there is none',
  }),
  host({
    name: 'ENRICHMENT_EXISTS',
    family: 'enrichment',
    description: 'Tests whether an enrichment table holds an entry for an enrichment type and indicator.',
    params: ENRICHMENT_TABLE_PARAMS,
    returns: 'a boolean',
  }),
  host({
    name: 'OBJECT_GET',
    family: 'enrichment',
    description: 'Loads (and caches) a serialized object, such as a Bloom filter or a map, from a path.',
    params: [{ name: 'path', description: 'the path of the serialized object', optional: true }],
    returns: 'the deserialized object, or null for a null path',
  }),
  host({
    name: 'ENRICHMENT_OBJECT_GET',
    family: 'enrichment',
    description:
      'Loads (and caches) a serialized JSON map from a path and returns the value of an indicator in it.',
    params: [
      { name: 'path', description: 'the path of the serialized map' },
      { name: 'indicator', description: 'the key to look up' },
    ],
    returns: 'the value stored under the indicator, or null',
  }),
  host({
    name: 'PROFILE_GET',
    family: 'profiler',
    description: 'Reads the measurements of a profile for an entity over the given periods.',
    params: PROFILE_PARAMS,
    returns: 'a list of the measurements',
  }),
  host({
    name: 'PROFILE_VERBOSE',
    family: 'profiler',
    description:
      'Reads the measurements of a profile with their profile, entity, period, period start and end.',
    params: PROFILE_PARAMS,
    returns:
      'a list of maps, one per measurement (profile, entity, period, period.start, period.end, value, groups)',
  }),
  host({
    name: 'PROFILE_FIXED',
    family: 'profiler',
    description: 'The profile periods of a fixed look-back from now.',
    params: [
      { name: 'durationAgo', description: 'how far back to look' },
      { name: 'units', description: 'the unit of durationAgo: SECONDS, MINUTES, HOURS, DAYS, …' },
      OVERRIDES,
    ],
    returns: 'a list of period start timestamps',
  }),
  host({
    name: 'PROFILE_WINDOW',
    family: 'profiler',
    description: "The profile periods selected by a window expression, e.g. 'from 2 hours ago until now'.",
    params: [
      { name: 'windowSelector', description: 'the window selector expression' },
      {
        name: 'now',
        description: 'the time to treat as now, epoch ms (default: the current time)',
        optional: true,
      },
      OVERRIDES,
    ],
    returns: 'a list of profile periods',
  }),
  host({
    name: 'MAAS_GET_ENDPOINT',
    family: 'models',
    description: 'Finds the endpoint of a deployed model by name and optional version.',
    params: [
      { name: 'model_name', description: 'the name of the model (none gives null)', optional: true },
      { name: 'model_version', description: 'the version (default: the most recent)', optional: true },
    ],
    returns: 'a map with name, version and url (the first argument of MAAS_MODEL_APPLY), or null',
  }),
  host({
    name: 'MAAS_MODEL_APPLY',
    family: 'models',
    description: 'Calls a deployed model with arguments; results are cached for 10 minutes.',
    params: [
      { name: 'endpoint', description: 'the endpoint map from MAAS_GET_ENDPOINT' },
      {
        name: 'function',
        description:
          "the endpoint path (default 'apply'); with two arguments, this one is the model arguments",
      },
      { name: 'model_args', description: 'a map of arguments for the model', optional: true },
    ],
    returns: 'the map the model returns, or null when the call fails',
  }),
  host({
    name: 'MODEL_SCORE',
    family: 'models',
    description:
      "Scores a map of features with the live version of a model in the lake's registry (Palisade's).",
    params: [
      { name: 'model_name', description: 'the name of the registered model' },
      {
        name: 'features',
        description:
          "a map of feature → number (or null); keys that are not the model's features are ignored",
      },
    ],
    returns:
      'the score, a double; null when the model has no live version, a feature is missing or scoring fails',
  }),
  host({
    name: 'REST_GET',
    family: 'rest',
    description: 'Sends an HTTP GET and parses the JSON response.',
    params: [{ name: 'url', description: 'the URL to request' }, REST_CONFIG, REST_QUERY],
    returns: 'the parsed JSON response, or null (or the configured override) on an error or empty response',
  }),
  host({
    name: 'REST_POST',
    family: 'rest',
    description: 'Sends an HTTP POST with a JSON body and parses the JSON response.',
    params: [
      { name: 'url', description: 'the URL to request' },
      { name: 'body', description: 'the request body: a map, a list or a JSON string' },
      REST_CONFIG,
      REST_QUERY,
    ],
    returns: 'the parsed JSON response, or null (or the configured override) on an error or empty response',
  }),
];

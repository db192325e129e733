/**
 * A history in the JSON form Temporal's tools write and read (proto3 JSON): protobufjs's ProtoJSON extension over the SDK's proto root, both public entry points.
 */
import proto from '@temporalio/proto'; // CommonJS: no named exports under Node's ESM loader
import type { Type } from 'protobufjs';
import protojson from 'protobufjs/ext/protojson.js'; // CommonJS, as above

type History = proto.temporal.api.history.v1.IHistory;

// The package's default export is a protobufjs Root at run time; its generated types omit lookupType.
const historyType = (proto as unknown as { lookupType(name: string): Type }).lookupType('temporal.api.history.v1.History');

export function historyToJSON(history: History): string {
  return JSON.stringify(protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history)), null, 2);
}

/** The history a replay worker takes, from the JSON `historyToJSON` wrote. */
export function historyFromJSON(json: unknown): History {
  return proto.temporal.api.history.v1.History.fromObject(protojson.fromJson(historyType, json));
}

/**
 * Shopify's extra rules for the query inside bulkOperationRunQuery (beyond schema validity), with
 * the messages Shopify returns as userErrors (code INVALID).
 */
import {
  type DocumentNode,
  type FieldNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLInterfaceType,
  Kind,
  type SelectionSetNode,
  getNamedType,
} from "graphql";

function isConnectionType(t: GraphQLNamedType): boolean {
  return (t instanceof GraphQLObjectType || t instanceof GraphQLInterfaceType) && t.name.endsWith("Connection") && "edges" in t.getFields();
}

function isListType(t: GraphQLType): boolean {
  const inner = t instanceof GraphQLNonNull ? t.ofType : t;
  return inner instanceof GraphQLList;
}

function fieldsOf(set: SelectionSetNode | undefined): FieldNode[] {
  const out: FieldNode[] = [];
  for (const s of set?.selections ?? []) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) out.push(...fieldsOf(s.selectionSet));
  }
  return out;
}

/** Returns Shopify-style error messages; empty when the bulk query is acceptable. */
export function bulkQueryErrors(schema: GraphQLSchema, doc: DocumentNode): string[] {
  const errors = new Set<string>();
  const ops = doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (ops.length !== 1) return ["Bulk queries must contain exactly one operation."];
  const op = ops[0];
  if (op.kind !== Kind.OPERATION_DEFINITION) return [];
  if (op.operation !== "query") return ["Invalid operation type. Only `query` operations are supported."];

  let connections = 0;
  const withoutId: string[] = [];
  const viaNodes: string[] = [];
  let maxDepth = 0;
  let inList = false;

  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType, depth: number, underList: boolean, path: string) => {
    if (!(parent instanceof GraphQLObjectType || parent instanceof GraphQLInterfaceType)) return;
    const fields = fieldsOf(set);
    const defs = parent.getFields();
    for (const f of fields) {
      const def = defs[f.name.value];
      if (!def) continue;
      const named = getNamedType(def.type);
      const here = path ? `${path}.${f.name.value}` : f.name.value;
      if (isConnectionType(named)) {
        connections++;
        if (underList) inList = true;
        const d = depth + 1;
        maxDepth = Math.max(maxDepth, d);
        const sub = fieldsOf(f.selectionSet);
        if (sub.some((s) => s.name.value === "nodes")) viaNodes.push(f.name.value);
        if (d > 1 && !fieldsOf(set).some((s) => s.name.value === "id" && !s.alias)) withoutId.push(path.split(".").filter((p) => p !== "edges" && p !== "node").pop() ?? path);
        const edges = sub.find((s) => s.name.value === "edges");
        const node = fieldsOf(edges?.selectionSet).find((s) => s.name.value === "node");
        const nodeType = getNamedType((named as GraphQLObjectType).getFields().edges.type) as GraphQLObjectType;
        const nodeDef = nodeType.getFields().node;
        if (node && nodeDef) walk(node.selectionSet, getNamedType(nodeDef.type), d, false, `${here}.edges.node`);
      } else if (f.selectionSet) {
        walk(f.selectionSet, named, depth, underList || isListType(def.type), here);
      }
    }
  };

  const root = schema.getQueryType()!;
  const top = fieldsOf(op.selectionSet);
  if (top.some((f) => f.name.value === "node" || f.name.value === "nodes")) errors.add("Bulk queries cannot contain a top level `node` field.");
  walk(op.selectionSet, root, 0, false, "");
  if (viaNodes.length)
    errors.add(
      `All connection fields in a bulk query must select their contents using 'edges' > 'node', e.g: 'products { edges { node {'. Selecting via 'nodes' is not supported. Invalid connection fields: '${viaNodes.join("', '")}'.`,
    );
  if (connections === 0) errors.add("Bulk queries must contain at least one connection.");
  if (connections > 5) errors.add("Bulk queries cannot contain more than 5 connections.");
  if (maxDepth > 3) errors.add("Bulk queries cannot contain connections with a nesting depth greater than 2.");
  if (inList) errors.add("Queries that contain a connection field within a list field are not currently supported.");
  if (withoutId.length)
    errors.add(
      `The parent 'node' field for a nested connection must select the 'id' field without an alias and must be of 'ID' return type. Connection fields without 'id': ${withoutId.join(", ")}.`,
    );
  return [...errors];
}

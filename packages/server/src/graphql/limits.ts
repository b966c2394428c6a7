import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type GraphQLOutputType,
  type GraphQLNamedType,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

export interface GraphQLLimits {
  maxDepth: number;
  maxAliases: number;
  maxTokens: number;
  maxDirectives: number;
  /** Objects and fields a query may ask for at most, lists counted by their `first` (see costRule). */
  maxCost: number;
  /** The most a `first` argument may be (a variable counts as this much, whatever it holds). */
  maxPage: number;
}

/** A list with no `first` argument (a photo's faces, a group's users) counts as this many items. */
const UNPAGED_LIST_ITEMS = 10;

/**
 * What keeps one request from tying up the server: graphql-armor's depth, alias, token and directive limits, and a
 * cost limit of our own that weighs list fields by their `first`. All are checked before anything is resolved.
 */
export function graphqlLimits(limits: GraphQLLimits): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const armor = new ApolloArmor({
    maxDepth: { n: limits.maxDepth },
    maxAliases: { n: limits.maxAliases },
    maxTokens: { n: limits.maxTokens },
    maxDirectives: { n: limits.maxDirectives },
    // Ours weighs lists by `first`; armor's counts each field once.
    costLimit: { enabled: false },
  }).protect();
  // armor's types name Apollo's CommonJS build, ours its ESM build: the same plugin interface.
  return {
    plugins: armor.plugins as unknown as ApolloServerPlugin[],
    validationRules: [...armor.validationRules, costRule(limits)],
  };
}

/**
 * The cost of an operation: every field counts once per item of the lists it sits in; a list's items are its
 * `first` (the argument's default when not given, the page limit when given by a variable), UNPAGED_LIST_ITEMS for
 * lists without paging. Fragments count where they are spread.
 */
export function costRule({ maxCost, maxPage }: Pick<GraphQLLimits, 'maxCost' | 'maxPage'>): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const schema = context.getSchema();
      const root =
        operation.operation === 'mutation'
          ? schema.getMutationType()
          : operation.operation === 'subscription'
            ? schema.getSubscriptionType()
            : schema.getQueryType();
      if (!root) return;
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of context.getDocument().definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const cost = selectionCost(operation.selectionSet, root, 1, null, { fragments, spreading: new Set(), maxPage });
      if (cost > maxCost) {
        context.reportError(
          new GraphQLError(`the query asks for about ${Math.round(cost)} fields and objects, more than the limit of ${maxCost}`, {
            extensions: { code: 'LIMIT_EXCEEDED' },
          }),
        );
      }
    },
  });
}

function selectionCost(
  selections: SelectionSetNode,
  type: GraphQLNamedType,
  items: number,
  page: number | null,
  walk: Walk,
): number {
  let cost = 0;
  for (const selection of selections.selections) {
    if (selection.kind === Kind.FIELD) {
      cost += fieldCost(selection, type, items, page, walk);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      cost += selectionCost(selection.selectionSet, type, items, page, walk);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      if (!fragment || walk.spreading.has(name)) continue; // unknown or cyclic: graphql's own rules report it
      walk.spreading.add(name);
      cost += selectionCost(fragment.selectionSet, type, items, page, walk);
      walk.spreading.delete(name);
    }
  }
  return cost;
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  spreading: Set<string>;
  maxPage: number;
}

/**
 * A field's cost: once per item it is asked for, plus its selections. A `first` sets the size of the page; the
 * list that holds the page's items (the field itself, or the page's `nodes`) counts that many.
 */
function fieldCost(field: FieldNode, parent: GraphQLNamedType, items: number, page: number | null, walk: Walk): number {
  if (!isObjectType(parent)) return items;
  const definition = parent.getFields()[field.name.value];
  if (!definition || !field.selectionSet) return items;
  const first = field.arguments?.find((argument) => argument.name.value === 'first');
  const firstDefault = definition.args.find((argument) => argument.name === 'first')?.defaultValue;
  let size = page;
  if (first) size = first.value.kind === Kind.INT ? Number(first.value.value) : walk.maxPage;
  else if (typeof firstDefault === 'number') size = firstDefault;
  const list = isList(definition.type);
  const inner = list ? items * Math.max(size ?? UNPAGED_LIST_ITEMS, 1) : items;
  return items + selectionCost(field.selectionSet, getNamedType(definition.type), inner, list ? null : size, walk);
}

const isList = (type: GraphQLOutputType): boolean => isListType(isNonNullType(type) ? type.ofType : type);

import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

/** One statement of an IAM or resource policy, as synthesized. */
export interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/** A synthesized CloudFormation resource. */
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** The logical id of a construct's CloudFormation resource (its default child). */
export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
}

/** The synthesized resources of a template, by logical id. */
export function resources(template: Template, type?: string): Record<string, CfnResource> {
  const all = template.toJSON().Resources as Record<string, CfnResource>;
  return Object.fromEntries(
    Object.entries(all).filter(([, resource]) => type === undefined || resource.Type === type),
  );
}

/** The properties of one resource, failing when it is missing. */
export function propertiesOf(template: Template, id: string): Record<string, unknown> {
  const resource = resources(template)[id];
  if (!resource) throw new Error(`No resource ${id} in the template`);
  return resource.Properties ?? {};
}

/** The actions of a statement as a list. */
export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** The statements of a policy resource (identity, queue or topic policy). */
export function statementsOf(policy: CfnResource): PolicyStatement[] {
  const document = policy.Properties?.PolicyDocument as
    | { Statement?: PolicyStatement[] }
    | undefined;
  return document?.Statement ?? [];
}

/** Every statement of the identity policies attached to the role with the given logical id. */
export function roleStatements(template: Template, roleId: string): PolicyStatement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      ((policy.Properties?.Roles as unknown[] | undefined) ?? []).some(
        (role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }),
      ),
    )
    .flatMap(statementsOf);
}

/** The actions a role is allowed, sorted. */
export function allowedActions(template: Template, roleId: string): string[] {
  return roleStatements(template, roleId)
    .filter((statement) => statement.Effect === 'Allow')
    .flatMap(actionsOf)
    .sort();
}

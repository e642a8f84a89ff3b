import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { OrderFunction } from './constructs/order-function.js';
import { createOrderApp } from './order-app.js';

/** A Lambda function of the order stack as CloudFormation will create it. */
export interface DeployedFunction {
  /** Source file of its entry point, relative to the repository root. */
  readonly entry: string;
  readonly memoryMb: number;
  /** e.g. `nodejs24.x`. */
  readonly runtime: string;
  readonly architectures: readonly string[];
  /**
   * Its environment as the template sets it: plain values as strings, references to other
   * resources (table name, queue URL, …) as CloudFormation intrinsics.
   */
  readonly environment: Readonly<Record<string, unknown>>;
}

/**
 * The order stack's functions, read from its synthesized template (bundling skipped), so that
 * `npm run build` and the bench configure each function as the stack does.
 */
export function deployedFunctions(): DeployedFunction[] {
  const { app, stack } = createOrderApp({
    context: { 'aws:cdk:bundling-stacks': [], adminEmail: 'ops@example.com' },
  });
  const resources = app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<
    string,
    { Properties: Record<string, unknown> }
  >;
  return stack.node
    .findAll()
    .filter((c): c is OrderFunction => c instanceof OrderFunction)
    .map((fn) => {
      const id = Stack.of(fn).getLogicalId(fn.function.node.defaultChild as CfnFunction);
      const props = resources[id]?.Properties ?? {};
      const env = props.Environment as { Variables?: Record<string, unknown> } | undefined;
      return {
        entry: fn.entry,
        memoryMb: fn.memorySize,
        runtime: String(props.Runtime),
        architectures: (props.Architectures as string[] | undefined) ?? ['x86_64'],
        environment: env?.Variables ?? {},
      };
    });
}

/** The deployed function whose entry is `entry`; throws when the stack has none. */
export function deployedFunction(entry: string): DeployedFunction {
  const found = deployedFunctions().find((fn) => fn.entry === entry);
  if (!found) throw new Error(`The order stack has no function for ${entry}`);
  return found;
}

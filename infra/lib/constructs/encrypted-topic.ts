import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** KMS actions a publisher needs on an encrypted topic's key, named one by one. */
const PUBLISH_KEY_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];

/** Props of {@link EncryptedTopic}. */
export interface EncryptedTopicProps {
  /** Shown as the sender name of e-mail notifications. */
  readonly displayName: string;
  /**
   * Lets CloudWatch alarms in this account publish to the topic (topic policy and key policy).
   * @default false
   */
  readonly allowCloudWatchAlarms?: boolean;
  /**
   * E-mail address subscribed to the topic; AWS sends it a confirmation link first.
   * @default - no subscription
   */
  readonly email?: string;
  /**
   * What happens to the key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/**
 * An SNS topic encrypted with its own customer managed KMS key (SNS has no managed key that
 * other services such as CloudWatch may use, and a key of its own keeps the grant narrow), with
 * key rotation and TLS-only access.
 */
export class EncryptedTopic extends Construct {
  /** The topic. */
  readonly topic: sns.Topic;
  /** The key that encrypts the topic's messages at rest. */
  readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts messages of the ${props.displayName} topic`,
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.allowCloudWatchAlarms) this.allowCloudWatchAlarms();
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
  }

  /** Allows publishing: `sns:Publish` on this topic and the two key actions it needs. */
  grantPublish(grantee: iam.IGrantable): iam.Grant {
    this.key.grant(grantee, ...PUBLISH_KEY_ACTIONS);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sns:Publish'],
      resourceArns: [this.topic.topicArn],
    });
  }

  private allowCloudWatchAlarms() {
    const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } };
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [cloudwatch],
        actions: PUBLISH_KEY_ACTIONS,
        // In a key policy, * means this key.
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
  }
}

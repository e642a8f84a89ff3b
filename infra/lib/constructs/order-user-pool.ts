import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/**
 * What adaptive authentication does at each sign-in risk level. Administrators always give a
 * second factor; customers are asked for one where they enrolled it, since a medium-risk block
 * would lock out every customer without one.
 */
const ADAPTIVE_RESPONSES = {
  customers: { high: 'BLOCK', medium: 'MFA_IF_CONFIGURED', low: 'NO_ACTION' },
  administrators: { high: 'BLOCK', medium: 'MFA_REQUIRED', low: 'MFA_REQUIRED' },
} as const;

/** Props of {@link OrderUserPool}. */
export interface OrderUserPoolProps {
  /**
   * Who signs in: `customers` (MFA optional, recovery by e-mail) or `administrators` (TOTP MFA
   * required at every sign-in, no self-service recovery, members of `adminGroupName`).
   */
  readonly audience: 'customers' | 'administrators';
  /**
   * Name of the administrators' group; only for `audience: 'administrators'`.
   * @default - no group
   */
  readonly adminGroupName?: string;
  /**
   * Keep the user pool when the stack is deleted, and refuse deletion while it exists.
   * @default true
   */
  readonly retain?: boolean;
}

/**
 * A Cognito user pool where accounts are created by an administrator (no self sign-up), with a
 * public app client (no secret, no OAuth flows; SRP sign-in for apps, admin password sign-in for
 * operators holding AWS credentials).
 *
 * The pool is on the Plus feature plan with threat protection enforced, and its adaptive
 * responses are declared: high risk is blocked, medium risk must pass MFA, and sign-ins or
 * password changes with credentials known to be leaked are blocked.
 */
export class OrderUserPool extends Construct {
  /** The user pool. */
  readonly userPool: cognito.UserPool;
  /** The client apps sign in through; its id is the tokens' audience. */
  readonly client: cognito.UserPoolClient;
  /** The administrators' group, in an administrators' pool. */
  readonly adminGroup?: cognito.UserPoolGroup;

  constructor(scope: Construct, id: string, props: OrderUserPoolProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    const admins = props.audience === 'administrators';
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: admins ? 14 : 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(admins ? 1 : 3),
      },
      mfa: admins ? cognito.Mfa.REQUIRED : cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // An administrator who lost a password or device is reset by another one holding AWS
      // credentials: whoever controls an admin's mailbox must not control the account.
      accountRecovery: admins ? cognito.AccountRecovery.NONE : cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.client = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true, adminUserPassword: true },
      disableOAuth: true,
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: admins ? Duration.hours(12) : Duration.days(30),
    });
    if (props.adminGroupName) {
      this.adminGroup = this.userPool.addGroup('AdminGroup', {
        groupName: props.adminGroupName,
        description: 'Administrators of the order system',
      });
    }

    const responses = ADAPTIVE_RESPONSES[props.audience];
    const action = (eventAction: string) => ({ eventAction, notify: false });
    new cognito.CfnUserPoolRiskConfigurationAttachment(this, 'AdaptiveResponses', {
      userPoolId: this.userPool.userPoolId,
      clientId: 'ALL',
      accountTakeoverRiskConfiguration: {
        actions: {
          highAction: action(responses.high),
          mediumAction: action(responses.medium),
          lowAction: action(responses.low),
        },
      },
      compromisedCredentialsRiskConfiguration: {
        actions: { eventAction: 'BLOCK' },
        eventFilter: ['SIGN_IN', 'PASSWORD_CHANGE', 'SIGN_UP'],
      },
    });

    if (!admins) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG2',
        reason:
          'Customers need not enrol a second factor to order; adaptive authentication asks for one on medium-risk sign-ins and blocks high-risk ones. Administrators sign in through their own pool, where TOTP MFA is required.',
      });
    }
  }
}

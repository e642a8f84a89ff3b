import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';

/** Props of {@link OrderUserPool}. */
export interface OrderUserPoolProps {
  /** Name of the group whose members are administrators. */
  readonly adminGroupName: string;
  /**
   * Keep the user pool when the stack is deleted, and refuse deletion while it exists.
   * @default true
   */
  readonly retain?: boolean;
}

/**
 * Who may call the API: a Cognito user pool where accounts are created by an administrator
 * (no self sign-up), a public app client (no secret; SRP sign-in for apps, admin password
 * sign-in for operators holding AWS credentials), and the administrators' group.
 *
 * The pool is on the Plus feature plan with threat protection enforced: compromised-credential
 * checks and adaptive authentication, which cdk-nag asks for (AwsSolutions-COG3).
 */
export class OrderUserPool extends Construct {
  /** The user pool. */
  readonly userPool: cognito.UserPool;
  /** The client apps sign in through; its id is the tokens' audience. */
  readonly client: cognito.UserPoolClient;
  /** The administrators' group. */
  readonly adminGroup: cognito.UserPoolGroup;

  constructor(scope: Construct, id: string, props: OrderUserPoolProps) {
    super(scope, id);
    const retain = props.retain ?? true;
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: retain,
      removalPolicy: retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.client = this.userPool.addClient('AppClient', {
      generateSecret: false,
      authFlows: { userSrp: true, adminUserPassword: true },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
    this.adminGroup = this.userPool.addGroup('AdminGroup', {
      groupName: props.adminGroupName,
      description: 'Administrators of the order system',
    });

    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional so customers need not enrol a second factor to order; enforced threat protection (adaptive authentication) demands one on risky sign-ins, and administrators enrol TOTP.',
    });
  }
}

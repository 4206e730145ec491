"""The maintainers' AWS chores: MFA session credentials, CodeBuild's source credentials, deploying."""

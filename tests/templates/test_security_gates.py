"""hdoc's own security gates, for what the linters do not check in CloudFormation. Each holds on every
template, and each fails on a template broken on purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.templates.conftest import TEMPLATES
from tests.templates.gates import (
    buckets_without_tls_only_policy,
    distributions_without_oac,
    iam_users_and_keys,
    wildcard_grants,
)

GATES = [wildcard_grants, iam_users_and_keys, buckets_without_tls_only_policy, distributions_without_oac]

BROKEN = {
    wildcard_grants: """
Resources:
  Admin:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}]
      Policies:
        - PolicyName: everything
          PolicyDocument: {Statement: [{Effect: Allow, Action: "iam:*", Resource: "*"}]}
""",
    iam_users_and_keys: """
Resources:
  Deployer:
    Type: AWS::IAM::User
  DeployerKey:
    Type: AWS::IAM::AccessKey
    Properties: {UserName: !Ref Deployer}
""",
    buckets_without_tls_only_policy: """
Resources:
  Site:
    Type: AWS::S3::Bucket
  SitePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Site
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: cloudfront.amazonaws.com}
            Action: s3:GetObject
            Resource: "*"
""",
    distributions_without_oac: """
Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        Origins:
          - Id: site
            DomainName: example.s3.amazonaws.com
            S3OriginConfig: {OriginAccessIdentity: origin-access-identity/cloudfront/E1ABC}
        DefaultCacheBehavior: {TargetOriginId: site, ViewerProtocolPolicy: redirect-to-https}
""",
}


@pytest.mark.parametrize("gate", GATES, ids=lambda gate: gate.__name__)
def test_every_template_passes_the_gate(gate):
    assert [finding for path in TEMPLATES for finding in gate(path)] == []


@pytest.mark.parametrize("gate", GATES, ids=lambda gate: gate.__name__)
def test_the_gate_fails_a_template_broken_on_purpose(gate, tmp_path: Path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN[gate])
    assert gate(broken)


def test_the_website_bucket_and_distribution_are_what_the_gates_look_at():
    website = Path(TEMPLATES[-2])
    assert website.parent.name == "frontend"
    text = website.read_text()
    assert "AWS::S3::Bucket" in text
    assert "AWS::CloudFront::Distribution" in text

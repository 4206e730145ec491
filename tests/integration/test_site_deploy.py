"""`hdoc site deploy`: a built site into the stage's bucket (moto's S3), with content types and
cache-control, what is gone deleted, and only what changed invalidated (moto's CloudFront)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from hdoc.cli import main
from hdoc.maintenance.site import LONG_CACHE, NO_CACHE, SHORT_CACHE, cache_control, content_type

BUCKET = "hdoc-frontend-dev-sitebucket-1a2b3c"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        distribution = boto3.client("cloudfront").create_distribution(
            DistributionConfig={
                "CallerReference": "site",
                "Comment": "hdoc website (dev)",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "site",
                            "DomainName": f"{BUCKET}.s3.us-east-1.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                },
            }
        )["Distribution"]["Id"]
        # The website and backend stacks as far as the command reads them: their outputs
        stack_with_outputs(
            "hdoc-frontend-dev", BucketName=BUCKET, DistributionId=distribution, ApiPath="/api"
        )
        stack_with_outputs("hdoc-backend-dev", **BACKEND_OUTPUTS)
        yield {"distribution": distribution}


BACKEND_OUTPUTS = {
    "ApiUrl": "https://a1b2c3.execute-api.us-east-1.amazonaws.com/dev",
    "HostedUiDomain": "hdoc-dev-123456789012.auth.us-east-1.amazoncognito.com",
    "WebsiteClientId": "4example5client6id",
}
MADE = {"config.json", "rules.html"}  # what the command adds to every site


def stack_with_outputs(name: str, **outputs: str) -> None:
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))


def built_site(folder: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        (folder / key).parent.mkdir(parents=True, exist_ok=True)
        (folder / key).write_text(text)
    return folder


SITE = {
    "index.html": "<!doctype html><title>hdoc</title>",
    "about/index.html": "<!doctype html><title>about</title>",
    "assets/index-BxK2a9Qd.js": "console.log('app')",
    "assets/index-9f3a1c2b.css": "body{}",
    "favicon.svg": "<svg/>",
    "robots.txt": "User-agent: *",
}


def invalidations(distribution: str) -> list[list[str]]:
    cloudfront = boto3.client("cloudfront")
    listed = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"].get("Items", [])
    return [
        cloudfront.get_invalidation(DistributionId=distribution, Id=item["Id"])["Invalidation"][
            "InvalidationBatch"
        ]["Paths"]["Items"]
        for item in listed
    ]


def test_a_first_deploy_uploads_every_file_with_its_type_and_cache_and_invalidates_nothing(aws, tmp_path):
    site = built_site(tmp_path / "dist", SITE)
    assert main(["site", "deploy", "--stage", "dev", str(site)]) == 0
    s3 = boto3.client("s3")
    stored = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert stored == set(SITE) | MADE
    expected = {
        "config.json": ("application/json", NO_CACHE),
        "rules.html": ("text/html; charset=utf-8", NO_CACHE),
        "index.html": ("text/html; charset=utf-8", NO_CACHE),
        "assets/index-BxK2a9Qd.js": ("text/javascript; charset=utf-8", LONG_CACHE),
        "assets/index-9f3a1c2b.css": ("text/css; charset=utf-8", LONG_CACHE),
        "favicon.svg": ("image/svg+xml", SHORT_CACHE),
        "robots.txt": ("text/plain; charset=utf-8", SHORT_CACHE),
    }
    for key, (kind, cache) in expected.items():
        head = s3.head_object(Bucket=BUCKET, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (kind, cache), key
    assert invalidations(aws["distribution"]) == []  # nothing was cached before


def test_a_second_deploy_changes_only_what_changed_and_invalidates_only_that(aws, tmp_path, capsys):
    site = built_site(tmp_path / "dist", SITE)
    assert main(["site", "deploy", "--stage", "dev", str(site)]) == 0
    # The next build changes the home page, drops the old CSS for a new one, and keeps the rest
    (site / "index.html").write_text("<!doctype html><title>hdoc, new</title>")
    (site / "assets/index-9f3a1c2b.css").unlink()
    (site / "assets/index-77aa88bb.css").write_text("body{margin:0}")
    capsys.readouterr()
    assert main(["site", "deploy", "--stage", "dev", str(site)]) == 0
    assert "2 uploaded, 1 deleted, 6 unchanged" in capsys.readouterr().out
    stored = {item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert "assets/index-9f3a1c2b.css" not in stored
    assert "assets/index-77aa88bb.css" in stored
    assert invalidations(aws["distribution"]) == [["/", "/assets/index-9f3a1c2b.css", "/index.html"]]


def test_an_unchanged_site_uploads_and_invalidates_nothing(aws, tmp_path, capsys):
    site = built_site(tmp_path / "dist", SITE)
    main(["site", "deploy", "--stage", "dev", str(site)])
    capsys.readouterr()
    assert main(["site", "deploy", "--stage", "dev", str(site)]) == 0
    out = capsys.readouterr().out
    assert "0 uploaded, 0 deleted, 8 unchanged" in out
    assert "no invalidation" in out
    assert invalidations(aws["distribution"]) == []


def test_a_folder_that_is_not_a_built_site_is_refused_and_nothing_is_deleted(aws, tmp_path, capsys):
    site = built_site(tmp_path / "dist", SITE)
    main(["site", "deploy", "--stage", "dev", str(site)])
    empty = tmp_path / "src"
    empty.mkdir()
    (empty / "main.ts").write_text("export {}")
    assert main(["site", "deploy", "--stage", "dev", str(empty)]) == 1
    assert "no index.html" in capsys.readouterr().err
    assert len(boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]) == len(SITE) + len(MADE)


def test_a_stage_without_a_website_stack_says_what_to_deploy(aws, tmp_path, capsys):
    site = built_site(tmp_path / "dist", SITE)
    assert main(["site", "deploy", "--stage", "prod", str(site)]) == 1
    assert "no stack hdoc-frontend-prod" in capsys.readouterr().err


def test_content_types_and_cache_rules():
    assert content_type("app.webmanifest") == "application/manifest+json"
    assert content_type("blob.unknownext") == "application/octet-stream"
    assert cache_control("main-component.js") == NO_CACHE  # a word, not a hash: revalidated
    assert cache_control("logo-mark.png") == SHORT_CACHE
    assert cache_control("chunk.a1b2c3d4.js") == LONG_CACHE
    assert cache_control("docs/page.htm") == NO_CACHE


def test_config_json_says_where_the_api_and_the_sign_in_are_from_the_stacks_outputs(aws, tmp_path):
    site = built_site(tmp_path / "dist", SITE)
    assert main(["site", "deploy", "--stage", "dev", str(site)]) == 0
    stored = boto3.client("s3").get_object(Bucket=BUCKET, Key="config.json")["Body"].read()
    assert json.loads(stored) == {
        "apiBaseUrl": "/api",  # the website stack forwards /api/* to the API
        "stage": "dev",
        "auth": {
            "domain": f"https://{BACKEND_OUTPUTS['HostedUiDomain']}",
            "clientId": BACKEND_OUTPUTS["WebsiteClientId"],
        },
    }
    rules = boto3.client("s3").get_object(Bucket=BUCKET, Key="rules.html")["Body"].read().decode()
    assert 'id="2-when-a-day-is-completed"' in rules  # the profile's "how days count" links land here
    assert not (site / "config.json").exists()  # the source folder is left as it was


def test_the_website_is_deployed_from_web_by_default(aws, capsys):
    assert main(["site", "deploy", "--stage", "dev"]) == 0
    stored = {item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {"index.html", "js/app.js", "css/site.css", "js/pages/profile.js"} | MADE <= stored


def test_a_stage_without_a_backend_stack_says_what_to_deploy(aws, tmp_path, capsys):
    boto3.client("cloudformation").delete_stack(StackName="hdoc-backend-dev")
    site = built_site(tmp_path / "dist", SITE)
    assert main(["site", "deploy", "--stage", "dev", str(site)]) == 1
    assert "no stack hdoc-backend-dev" in capsys.readouterr().err
    assert "Contents" not in boto3.client("s3").list_objects_v2(Bucket=BUCKET)  # nothing uploaded

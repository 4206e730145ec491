"""The website stack forwards /api/* to the API on the site's own origin, and sends the app's
routes (and only those) to index.html, so an API 404 stays a 404."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from hdoc.local.cfn import load_template
from hdoc.logic.edge import SITE_API_PATH
from tests.conftest import ROOT
from tests.templates.conftest import resources

WEBSITE = ROOT / "frontend" / "template.yaml"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def distribution() -> dict:
    return resources(WEBSITE, "AWS::CloudFront::Distribution")["Distribution"]["Properties"][
        "DistributionConfig"
    ]


def test_the_api_behaviour_keeps_public_reads_forwards_authorization_and_takes_every_method():
    condition, (behaviour,), _ = distribution()["CacheBehaviors"]["Fn::If"]
    assert condition == "HasApi"
    assert behaviour["PathPattern"] == f"{SITE_API_PATH}/*"  # where the edge invalidator's paths point
    assert behaviour["TargetOriginId"] == "api"
    assert behaviour["CachePolicyId"] == {"Ref": "ApiCachePolicy"}
    assert behaviour["Compress"] is True
    # The AllViewer origin request policies are the ones that may pass Authorization on
    assert behaviour["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert behaviour["ViewerProtocolPolicy"] == "https-only"


def test_no_custom_error_page_turns_an_api_error_into_the_app():
    assert "CustomErrorResponses" not in distribution()


def test_the_csp_allows_no_inline_script_or_style():
    default = load_template(WEBSITE)["Parameters"]["ContentSecurityPolicy"]["Default"]
    assert "unsafe-inline" not in default
    assert "default-src 'self'" in default
    assert "object-src 'none'" in default


@pytest.mark.parametrize(
    ("spa", "uri", "expected"),
    [
        ("true", "/api/users/recent", "/users/recent"),
        ("true", "/api", "/"),
        ("true", "/leaderboard", "/index.html"),
        ("true", "/u/Someone", "/index.html"),
        ("true", "/articles/01J0000000000000000000000/a-title", "/index.html"),
        ("true", "/", "/"),
        ("true", "/js/pages/profile.js", "/js/pages/profile.js"),
        ("true", "/rules.html", "/rules.html"),
        ("false", "/leaderboard", "/leaderboard"),
        ("false", "/api/tags", "/tags"),
    ],
)
def test_the_viewer_request_function_routes_each_path(spa: str, uri: str, expected: str):
    assert viewer_request(spa, uri)["uri"] == expected


def viewer_request(spa: str, uri: str, headers: dict | None = None, viewer_ip: str = "198.51.100.7") -> dict:
    """The request the site's CloudFront Function makes of a viewer's, run in Node.js."""
    node = shutil.which("node")
    assert node, "the CloudFront Function is checked with Node.js (the machine's node)"
    function = resources(WEBSITE, "AWS::CloudFront::Function")["ViewerRequestRouter"]["Properties"]
    code_template, _ = function["FunctionCode"]["Fn::Sub"]
    code = code_template.replace("${Spa}", spa)
    event = {
        "request": {"uri": uri, "headers": {k: {"value": v} for k, v in (headers or {}).items()}},
        "viewer": {"ip": viewer_ip},
    }
    script = f"{code}\nconsole.log(JSON.stringify(handler({json.dumps(event)})));"
    routed = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30, check=True)
    return json.loads(routed.stdout)


def test_the_api_is_told_the_address_cloudfront_saw_never_one_the_client_wrote():
    forged = {"x-hdoc-viewer-address": "203.0.113.1", "x-forwarded-for": "203.0.113.1"}
    request = viewer_request("true", "/api/articles", forged, viewer_ip="2001:db8::7")
    assert request["headers"]["x-hdoc-viewer-address"] == {"value": "2001:db8::7"}
    # the site's own files need no address
    assert "x-hdoc-viewer-address" not in viewer_request("true", "/leaderboard")["headers"]


def test_cloudfront_sends_the_backends_origin_secret_to_the_api():
    parameters = load_template(WEBSITE)["Parameters"]
    assert parameters["OriginVerifySecretArn"]["Default"] == ""
    (origin,) = [o["Fn::If"][1] for o in distribution()["Origins"] if isinstance(o, dict) and "Fn::If" in o]
    condition, (header,), _ = origin["OriginCustomHeaders"]["Fn::If"]
    assert condition == "HasOriginVerifySecret"
    assert header == {
        "HeaderName": "x-hdoc-origin-verify",
        "HeaderValue": {"Fn::Sub": "{{resolve:secretsmanager:${OriginVerifySecretArn}:SecretString}}"},
    }


def test_api_gateways_own_errors_reach_a_page_on_another_origin_as_themselves():
    api = resources(ROOT / "stacks" / "api.yaml", "AWS::Serverless::Api")["RestApi"]["Properties"]
    responses = api["GatewayResponses"]
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN"} <= set(responses)
    for name, response in responses.items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["Access-Control-Allow-Origin"] == "method.request.header.origin", name
        assert headers["Vary"] == "'Origin'", name


def test_the_api_cache_policy_keys_on_path_and_query_and_lets_the_origin_decide():
    policy = load_template(WEBSITE)["Resources"]["ApiCachePolicy"]
    assert policy["Condition"] == "HasApi"
    config = policy["Properties"]["CachePolicyConfig"]
    # The API's Cache-Control decides: nothing kept that says nothing, nothing longer than a day
    assert (config["MinTTL"], config["DefaultTTL"], config["MaxTTL"]) == (0, 0, 86400)
    key = config["ParametersInCacheKeyAndForwardedToOrigin"]
    assert key["QueryStringsConfig"] == {"QueryStringBehavior": "all"}
    assert key["CookiesConfig"] == {"CookieBehavior": "none"}
    # No header but Authorization and Origin: anonymous readers share an entry per path, query and
    # origin (the API's CORS answer names the asking origin, with Vary: Origin); a request with
    # Authorization never matches one (and the API answers it private, no-store, so it is never kept)
    assert key["HeadersConfig"] == {"HeaderBehavior": "whitelist", "Headers": ["Authorization", "Origin"]}
    assert key["EnableAcceptEncodingGzip"] is True
    assert key["EnableAcceptEncodingBrotli"] is True

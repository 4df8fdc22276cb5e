"""``kilocli doctor``: check the set-up and say, for each problem, the command that fixes it."""

from __future__ import annotations

from typing import Any

from kilocli.config.model import Config
from kilocli.credentials.model import AuthStore
from kilocli.errors import ExitCode, KilocliError
from kilocli.providers.registry import Provider
from kilocli.results import Result
from kilocli.services.doctor_files import check_file, check_permissions
from kilocli.services.findings import Finding, finding
from kilocli.services.probe import ProbeOutcome
from kilocli.services.runtime import Runtime


class Diagnosis(Result):
    """Every finding, in the order checked; ``ok`` when none is a problem left unfixed. With
    ``--probe``, the probe's answer, and a failed probe's own exit code (SPEC §9)."""

    ok: bool
    findings: list[Finding]
    probe: ProbeOutcome | None = None
    expires_at: str | None = None  # the expiry of the key in effect (its JWT exp), if it has one

    @classmethod
    def of(
        cls,
        findings: list[Finding],
        *,
        probe_exit: ExitCode | None = None,
        key_expired: bool = False,
        **probed: Any,
    ) -> Diagnosis:
        """The diagnosis of ``findings``: a failed probe ends with its own exit code, an
        expired key as it does wherever it is used (SPEC §4), else 1 for a problem left."""
        ok = not any(f.is_problem for f in findings)
        code = ExitCode.OK if ok else ExitCode.ERROR
        if key_expired:
            code = ExitCode.NOT_AUTHENTICATED
        code = probe_exit if probe_exit is not None else code
        return cls(ok=ok, findings=findings, exit_code=code, **probed)


def diagnose(
    rt: Runtime, *, fix: bool = False, offline: bool = False, probe_ref: str | None = None
) -> Diagnosis:
    """Check both files, their permissions, the key of the default model's provider, the
    gateway (unless ``offline``), the model cache and env vars that shadow profiles; with
    ``probe_ref`` ("" for the default model), send the probe too."""
    from kilocli.config.files import parse_config
    from kilocli.credentials.store import parse_auth_store

    findings: list[Finding] = []
    config = check_file(findings, "config", rt.paths.config_file, parse_config)
    store = check_file(findings, "auth store", rt.paths.auth_file, parse_auth_store)
    findings += check_permissions(rt, fix=fix)
    if store is not None:
        from kilocli.services.doctor_keyring import check_key_stores

        findings += check_key_stores(rt, store, fix=fix)
    expiry: dict[str, Any] = {}
    if config is not None and store is not None:
        findings += _check_key(rt, config, store, offline=offline, expiry=expiry)
        findings += _check_default_model(rt, config)
    if probe_ref is None or config is None or store is None or expiry.get("key_expired"):
        return Diagnosis.of(findings, **expiry)
    return _probed(rt, findings, probe_ref or None, expiry)


def _probed(
    rt: Runtime, findings: list[Finding], ref: str | None, expiry: dict[str, Any]
) -> Diagnosis:
    from kilocli.services.probe import probe

    try:
        outcome = probe(rt, ref)
    except KilocliError as exc:
        findings.append(finding("probe", "error", exc.message, exc.hint))
        return Diagnosis.of(findings, probe_exit=exc.exit_code, **expiry)
    answered = f" (answered as {outcome.model})" if outcome.model else ""
    usage = outcome.usage
    tokens = (
        f"; {usage.prompt_tokens} tokens in, {usage.completion_tokens} out"
        if usage and usage.prompt_tokens is not None
        else ""
    )
    message = f"{outcome.ref}{answered} replied in {outcome.seconds:.2f} s{tokens}."
    findings.append(finding("probe", "ok", message))
    return Diagnosis.of(findings, probe=outcome, **expiry)


def _check_key(
    rt: Runtime, config: Config, store: AuthStore, *, offline: bool, expiry: dict[str, Any]
) -> list[Finding]:
    """The key of the default model's provider: where it comes from, when it expires (an
    expired one is reported without a request, and fills ``expiry``), and whether the gateway
    accepts it."""
    from kilocli.credentials.expiry import expires_at_text, key_expiry
    from kilocli.errors import KeyExpired
    from kilocli.providers.resolve import default_model_provider
    from kilocli.services.organization import organization_in_use
    from kilocli.services.steps import (
        base_url_in_effect,
        check_key_expiry,
        keys_of,
        sign_in_command,
    )

    provider = default_model_provider(config.primary)
    try:
        resolution = keys_of(rt, provider, config, store)
    except KilocliError as exc:
        return [finding("key", "error", exc.message, exc.hint)]
    found = resolution.in_effect
    if found is None:
        return [
            finding(
                "key",
                "error",
                f"No {provider.label} key (the default model's provider).",
                f"kilocli auth login {provider.id}",
            )
        ]
    rt.remember_secret(found.key)
    exp = key_expiry(found.key)
    expiry["expires_at"] = expires_at_text(exp)
    try:
        check_key_expiry(rt, provider, found)
    except KeyExpired as exc:
        expiry["key_expired"] = True
        return [finding("key", "error", exc.message, sign_in_command(provider))]
    findings = [finding("key", "ok", f"{provider.label} key {found.preview} from {found.source}.")]
    if found.source.kind == "env" and any(s.source.kind == "profile" for s in resolution.shadowed):
        findings.append(
            finding(
                "shadowing",
                "info",
                f"{found.source.name} wins over the stored profile(s) of {provider.id}.",
                f"unset {found.source.name} to use the stored profile",
            )
        )
    try:
        base_url = base_url_in_effect(rt, provider, config).url
    except KilocliError as exc:  # a base URL that is not one: a finding, not the end of doctor
        return [*findings, finding("gateway", "error", exc.message, exc.hint)]
    organization = organization_in_use(rt, provider, store, found, config)
    findings.append(_check_cache(rt, provider, base_url, organization))
    if offline:
        findings.append(finding("gateway", "info", "Not checked (--offline)."))
    else:
        findings.append(_check_gateway(rt, provider, base_url, found.key, organization))
    return findings + _check_tools(rt, provider)


def _check_tools(rt: Runtime, provider: Provider) -> list[Finding]:
    """Each tool ``setup`` wrote for: its entries (and its copy of the key) still match what
    is in effect, or the command that brings them up to date (SPEC §12)."""
    from kilocli.services.setup import setup_tool
    from kilocli.services.tool_refresh import tools_set_up
    from kilocli.tools.registry import get_tool

    findings = []
    for tool_id in tools_set_up(rt, provider):
        tool = get_tool(tool_id)
        try:
            plan = setup_tool(rt, tool_id, provider_id=provider.id, dry_run=True)
        except KilocliError as exc:
            findings.append(finding(f"tool {tool_id}", "warning", exc.message, exc.hint))
            continue
        copies = [f.path for f in plan.files if f.holds_key]
        holding = f"; a copy of the key in {', '.join(copies)}" if copies else ""
        if not plan.ok:
            problem = "; ".join(f"{f.path}: {f.problem}" for f in plan.files if f.problem)
            findings.append(
                finding(f"tool {tool_id}", "warning", problem, f"kilocli setup {tool_id}")
            )
        elif plan.action == "dry-run":
            findings.append(
                finding(
                    f"tool {tool_id}",
                    "warning",
                    f"{tool.label}'s entries no longer match the key, base URL or organisation "
                    f"in effect{holding}.",
                    f"kilocli setup {tool_id}",
                )
            )
        else:
            findings.append(
                finding(f"tool {tool_id}", "ok", f"{tool.label} is up to date{holding}.")
            )
    return findings


def _check_default_model(rt: Runtime, config: Config) -> list[Finding]:
    """Whether the default model is one its provider's catalog lists: the cached list of any
    age, else the built-in one (never a request: doctor --offline asks nothing either)."""
    from kilocli.errors import KeyExpired
    from kilocli.providers.registry import get_provider
    from kilocli.providers.resolve import parse_model_ref
    from kilocli.services.catalog import load_catalog
    from kilocli.services.steps import legacy_model_notice

    notice = legacy_model_notice(config)
    if notice is not None:  # kilo/auto: listed nowhere now, and the fix is its own (SPEC §3)
        message, _, switch = notice.partition(" Switch with: ")
        return [finding("default model", "warning", message, switch)]
    if config.primary is None:
        return []
    try:
        ref = parse_model_ref(config.primary)
        provider = get_provider(ref.provider)
        catalog = load_catalog(rt, provider, config, offline=True)
    except KeyExpired:
        return []  # the key check reports it
    except KilocliError as exc:
        return [finding("default model", "error", exc.message, exc.hint)]
    listed = "cached" if catalog.source == "cache" else "built-in"
    if any(model.id == ref.model_id for model in catalog.models):
        return [finding("default model", "ok", f"{ref} is in the {listed} {provider.label} list.")]
    return [
        finding(
            "default model",
            "warning",
            f"{ref} is not in the {listed} {provider.label} model list.",
            f"kilocli models {provider.id} --refresh, then kilocli models set REF",
        )
    ]


def _check_gateway(
    rt: Runtime, provider: Provider, base_url: str, key: str, organization: str | None
) -> Finding:
    from kilocli.gateway.problems import organization_hint
    from kilocli.services.steps import ask_gateway_about_key

    answer = ask_gateway_about_key(
        rt, provider, base_url, key, doing="Checking", organization=organization
    )
    if answer.outcome == "verified":
        return finding("gateway", "ok", f"{provider.label} accepts the key ({answer.detail}).")
    if answer.organization_refused:
        return finding("gateway", "error", answer.detail, organization_hint(provider))
    if answer.outcome == "rejected":
        return finding("gateway", "error", answer.detail, f"kilocli auth login {provider.id}")
    hint = answer.problem.hint_for(provider) if answer.problem else "check your network or proxy"
    return finding("gateway", "warning", f"Could not check the key: {answer.detail}.", hint)


def _check_cache(
    rt: Runtime, provider: Provider, base_url: str, organization: str | None
) -> Finding:

    from kilocli.catalog.assemble import describe_age
    from kilocli.catalog.cache import read_cache

    cached = read_cache(rt.paths.models_cache(provider.id, organization), base_url)
    if cached is None:
        return finding(
            "cache",
            "info",
            f"No cached {provider.label} model list yet.",
            f"kilocli models {provider.id}",
        )
    age = describe_age(rt.clock() - cached.fetched_at)
    return finding(
        "cache", "ok", f"{len(cached.models)} cached {provider.label} models, {age} old."
    )

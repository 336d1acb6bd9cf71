"""BERT Lens as an MCP server: the schema lists every lesson's tool with its English description."""

from __future__ import annotations

import json
import urllib.request

import pytest

from components.ui.mcp import TOOLS, describe_tools, mcp_enabled

LESSON_TOOLS = {"predict", "explain", "attention", "layer", "tokens", "polysemy", "fill_mask", "next_sentence"}


@pytest.fixture(scope="module")
def mcp_server(tiny_en_dir):
    from components.core.services import AppConfig
    from components.ui.serving import serve

    config = AppConfig(models=("minilm", str(tiny_en_dir)), default_model="minilm", warm_up=False)
    with serve(config, mcp=True) as demo:
        yield demo


def schema(demo) -> list[dict]:
    with urllib.request.urlopen(demo.local_url.rstrip("/") + "/gradio_api/mcp/schema", timeout=60) as response:
        return json.load(response)


def test_the_mcp_schema_lists_every_lesson_tool_with_its_description(mcp_server):
    tools = {tool["name"]: tool for tool in schema(mcp_server)}
    assert LESSON_TOOLS <= set(tools), sorted(tools)
    for name in LESSON_TOOLS:
        assert tools[name]["description"].startswith(TOOLS[name][:40]), name


def test_every_named_endpoint_has_a_tool_text(mcp_server):
    # a new lesson's endpoint without a text in components/ui/mcp.py fails here
    assert describe_tools(mcp_server) == []


def test_an_endpoint_without_a_text_is_reported():
    # control: the check above would notice a missing text
    class Fn:
        api_name, api_visibility, api_description = "not_a_tool_yet", "public", None

    class Demo:
        fns = {0: Fn()}

    assert describe_tools(Demo()) == ["not_a_tool_yet"]


def test_the_environment_switch_turns_mcp_on(monkeypatch):
    monkeypatch.delenv("BERTLENS_MCP", raising=False)
    assert not mcp_enabled()
    assert mcp_enabled(True)
    monkeypatch.setenv("BERTLENS_MCP", "1")
    assert mcp_enabled()

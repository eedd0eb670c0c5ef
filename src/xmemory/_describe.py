"""`describe()`'s answer, and its renderings for system prompts and LLM tool-use APIs."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._models import XmemoryModel

# Parameter types as the server may spell them, mapped to JSON Schema types.
_JSON_TYPES = {
    "string": "string",
    "str": "string",
    "integer": "integer",
    "int": "integer",
    "number": "number",
    "float": "number",
    "boolean": "boolean",
    "bool": "boolean",
    "array": "array",
    "list": "array",
    "object": "object",
    "dict": "object",
}


class ToolParameter(XmemoryModel):
    """One parameter of a tool; `type` is a JSON Schema type name."""

    name: str
    type: str = "string"
    description: str = ""
    required: bool = False
    enum: list[Any] | None = None
    default: Any = None

    def json_schema(self) -> dict[str, Any]:
        """This parameter as a JSON Schema property."""
        schema: dict[str, Any] = {}
        json_type = _JSON_TYPES.get(self.type.lower())
        # An unknown type name is left out rather than guessed: the property then accepts any value.
        if json_type is not None:
            schema["type"] = json_type
        if self.description:
            schema["description"] = self.description
        if self.enum is not None:
            schema["enum"] = list(self.enum)
        if self.default is not None:
            schema["default"] = self.default
        return schema


class ToolDescription(XmemoryModel):
    """One operation an agent can call on the instance, with when to use it."""

    name: str
    description: str = ""
    when_to_use: str = ""
    parameters: list[ToolParameter] = Field(default_factory=list)
    http_method: str | None = None
    http_path: str | None = None

    def input_schema(self) -> dict[str, Any]:
        """The tool's arguments as a JSON Schema object (`type`, `properties`, `required`)."""
        return {
            "type": "object",
            "properties": {p.name: p.json_schema() for p in self.parameters},
            "required": [p.name for p in self.parameters if p.required],
        }

    def full_description(self) -> str:
        """The description followed by when to use the tool, as LLM tool APIs show it."""
        if not self.when_to_use:
            return self.description
        return f"{self.description}\n\nWhen to use: {self.when_to_use}"

    def signature(self) -> str:
        """The tool as a call signature: `read(query, read_mode?)`."""
        names = [p.name if p.required else f"{p.name}?" for p in self.parameters]
        return f"{self.name}({', '.join(names)})"


class DescribeResult(XmemoryModel):
    """Agent-facing tool descriptions enriched with the instance's actual schema."""

    instance_id: str
    instance_name: str | None = None
    about: str | None = None
    schema_summary: str | None = None
    tools: list[ToolDescription] = Field(default_factory=list)
    purpose: str | None = None
    owner_instructions: str | None = None
    features: list[str] = Field(default_factory=list)
    """What the server supports beyond the hosted API, e.g. "upsert", "sql_read", "episodes"."""

    def as_text(self, include_http: bool = False) -> str:
        """Plain text for a system prompt; `include_http` adds each tool's HTTP method and path."""
        title = self.instance_name or self.instance_id
        lines = [f"# xmemory instance {title} (id: {self.instance_id})"]
        for heading, body in (
            ("About", self.about),
            ("Purpose", self.purpose),
            ("Owner instructions", self.owner_instructions),
            ("Schema", self.schema_summary),
        ):
            if body:
                lines += ["", f"{heading}:", body.strip()]
        for tool in self.tools:
            lines += ["", f"## {tool.signature()}"]
            if tool.description:
                lines.append(tool.description.strip())
            if tool.when_to_use:
                lines.append(f"When to use: {tool.when_to_use.strip()}")
            if include_http and tool.http_method and tool.http_path:
                lines.append(f"HTTP: {tool.http_method.upper()} {tool.http_path}")
            lines += [_parameter_line(p) for p in tool.parameters]
        return "\n".join(lines) + "\n"

    def as_anthropic_tools(self) -> list[dict[str, Any]]:
        """The tools in Anthropic's tool-use format (`name`, `description`, `input_schema`)."""
        return [
            {
                "name": tool.name,
                "description": tool.full_description(),
                "input_schema": tool.input_schema(),
            }
            for tool in self.tools
        ]

    def as_openai_tools(self) -> list[dict[str, Any]]:
        """The tools in OpenAI's function-calling format."""
        return [
            {
                "type": "function",
                "function": {
                    "name": tool.name,
                    "description": tool.full_description(),
                    "parameters": tool.input_schema(),
                },
            }
            for tool in self.tools
        ]


def _parameter_line(param: ToolParameter) -> str:
    facts = [param.type, "required" if param.required else "optional"]
    if param.enum is not None:
        facts.append("one of: " + ", ".join(str(v) for v in param.enum))
    if param.default is not None:
        facts.append(f"default: {param.default}")
    line = f"- {param.name} ({'; '.join(facts)})"
    return f"{line}: {param.description}" if param.description else line

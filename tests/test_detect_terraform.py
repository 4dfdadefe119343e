"""Terraform / OpenTofu: AI resources, their region through the module's values, broken files."""

from __future__ import annotations

from pathlib import Path

from conftest import scan_tree


def _by_line(report) -> dict[int, tuple[str | None, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return {u.line: (u.provider, u.region, u.model) for u in report.usages}


def test_region_through_files_of_the_module_and_tfvars(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "infra/variables.tf": 'variable "location" {\n  default = "eastus"\n}\n',
        "infra/terraform.tfvars": 'location = "swedencentral"\n',
        "infra/rg.tf": 'resource "azurerm_resource_group" "ia" {\n  name = "rg"\n  location = var.location\n}\n',
        "infra/openai.tf": """
            resource "azurerm_cognitive_account" "openai" {
              name                = "ville-openai"
              location            = azurerm_resource_group.ia.location
              resource_group_name = azurerm_resource_group.ia.name
              kind                = "OpenAI"
              sku_name            = "S0"
            }

            resource "azurerm_cognitive_deployment" "chat" {
              name                 = "chat"
              cognitive_account_id = azurerm_cognitive_account.openai.id
              model {
                format = "OpenAI"
                name   = "gpt-4o-mini"
              }
            }
        """,
    })
    assert _by_line(report) == {1: ("azure-openai", "swedencentral", None),
                                9: ("azure-openai", "swedencentral", "gpt-4o-mini")}
    assert all(u.path == "infra/openai.tf" and u.region_in_eu for u in report.usages)


def test_provider_aliases_and_templates(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            locals {
              zone = "west-1"
            }
            provider "aws" {
              region = "us-east-1"
            }
            provider "aws" {
              alias  = "eu"
              region = "eu-${local.zone}"
            }
            resource "aws_bedrockagent_knowledge_base" "kb" {
              provider = aws.eu
              name     = "kb"
            }
            resource "aws_bedrock_custom_model" "m" {
              base_model_identifier = "amazon.titan-text-express-v1"
            }
            resource "aws_sagemaker_notebook_instance" "nb" {
              name = "bedrock-notebook"
            }
        """,
    })
    assert _by_line(report) == {11: ("aws-bedrock", "eu-west-1", None), 15: ("aws-bedrock", "us-east-1", None)}


def test_unknown_values_leave_the_region_unknown(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "ai.tofu": """
            variable "region" {}
            resource "google_vertex_ai_endpoint" "e" {
              name     = "e"
              location = var.region
              region   = lookup(var.regions, "main")
            }
        """,
    })
    assert _by_line(report) == {2: ("google-vertex", None, None)}


def test_kind_read_through_a_variable(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            variable "kind" {
              default = "OpenAI"
            }
            resource "azurerm_cognitive_account" "a" {
              kind     = var.kind
              location = "westeurope"
            }
            resource "azurerm_cognitive_account" "b" {
              kind     = "TextAnalytics"
              location = "westeurope"
            }
        """,
    })
    assert _by_line(report) == {4: ("azure-openai", "westeurope", None)}


def test_broken_hcl_gives_a_notice_and_keeps_what_parsed(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            resource "aws_bedrockagent_agent" "a" {
              agent_name       = "a"
              foundation_model = "anthropic.claude-3-5-haiku-20241022-v1:0"
            }

            resource "aws_bedrock_guardrail" "g" {
              name = = "oops"
            }}}
        """,
        "empty.tf": b"\xff\xfe garbage \x01 resource \"aws_bedrock_agent\" {",
    })
    assert [u.line for u in report.usages][:1] == [1]
    reasons = {n.path: n.reason for n in report.notices}
    assert "not valid HCL" in reasons["main.tf"]
    assert "empty.tf" in reasons


def test_near_misses_are_not_usages(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            # resource "aws_bedrockagent_agent" "commented" {}
            resource "azurerm_storage_account" "openai" {
              name     = "openaistore"
              location = "francecentral"
            }
            resource "azurerm_cognitive_account" "vision" {
              kind     = "ComputerVision"
              location = "francecentral"
            }
            output "bedrock" {
              value = "aws_bedrockagent_agent"
            }
        """,
    })
    assert report.usages == ()


def test_cloud_control_bedrock_resources(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "kb.tf": """
            provider "awscc" {
              region = "eu-central-1"
            }
            resource "awscc_bedrock_knowledge_base" "kb" {
              name = "kb"
            }
            resource "awscc_s3_bucket" "bedrock" {
              bucket_name = "bedrock-docs"
            }
        """,
    })
    assert _by_line(report) == {4: ("aws-bedrock", "eu-central-1", None)}


def test_registry_modules_that_provision_ai(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            module "openai" {
              source              = "Azure/openai/azurerm"
              version             = "0.1.5"
              location            = "swedencentral"
              resource_group_name = "rg-ia"
            }
            module "network" {
              source = "Azure/network/azurerm"
            }
            module "bedrock" {
              source = "registry.terraform.io/aws-ia/bedrock/aws"
            }
        """,
    })
    assert _by_line(report) == {1: ("azure-openai", "swedencentral", None), 10: ("aws-bedrock", None, None)}

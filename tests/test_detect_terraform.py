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


def test_objects_in_variables_and_locals(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            variable "regions" {
              default = {
                main   = "westeurope"
                backup = "eastus"
              }
            }
            locals {
              settings = { ai = { "location" = var.regions["main"] }, zones = ["northeurope", "eastus2"] }
            }
            resource "azurerm_cognitive_account" "a" {
              kind     = "OpenAI"
              location = local.settings.ai.location
            }
            resource "azurerm_cognitive_account" "b" {
              kind     = "OpenAI"
              location = var.regions.backup
            }
            resource "azurerm_cognitive_account" "c" {
              kind     = "OpenAI"
              location = local.settings.zones[1]
            }
        """,
    })
    assert _by_line(report) == {10: ("azure-openai", "westeurope", None), 14: ("azure-openai", "eastus", None),
                                18: ("azure-openai", "eastus2", None)}


def test_local_modules_take_the_region_their_caller_gives(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "modules/llm/main.tf": """
            variable "location" {}
            variable "model" {
              default = "gpt-4o-mini"
            }
            resource "azurerm_cognitive_account" "openai" {
              kind     = "OpenAI"
              location = var.location
            }
            resource "azurerm_cognitive_deployment" "chat" {
              cognitive_account_id = azurerm_cognitive_account.openai.id
              model {
                name = var.model
              }
            }
        """,
        "envs/prod/main.tf": """
            resource "azurerm_resource_group" "rg" {
              location = "swedencentral"
            }
            module "llm" {
              source   = "../../modules/llm"
              location = azurerm_resource_group.rg.location
            }
            module "outside" {
              source   = "../../../elsewhere/openai"
            }
        """,
    })
    usages = sorted((u.path, u.line, u.provider, u.region, u.model) for u in report.usages)
    assert usages == [
        ("envs/prod/main.tf", 4, "azure-openai", "swedencentral", None),
        ("modules/llm/main.tf", 5, "azure-openai", None, None),
        ("modules/llm/main.tf", 9, "azure-openai", None, "gpt-4o-mini"),
    ]


def test_pure_functions_that_pick_a_region(tmp_path: Path) -> None:
    report = scan_tree(tmp_path, {
        "main.tf": """
            variable "location" {
              default = null
            }
            locals {
              location = coalesce(var.location, lower("SwedenCentral"))
            }
            resource "azurerm_cognitive_account" "a" {
              kind     = "OpenAI"
              location = local.location
            }
            resource "azurerm_cognitive_account" "b" {
              kind     = "OpenAI"
              location = element(var.locations, 0)
            }
        """,
    })
    assert _by_line(report) == {7: ("azure-openai", "swedencentral", None), 11: ("azure-openai", None, None)}


def test_sibling_files_are_never_read_through_a_symlink_out_of_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.tf").write_text('variable "location" {\n  default = "leaked-value"\n}\n')
    root = tmp_path / "repo"
    root.mkdir()
    (root / "vars.tf").symlink_to(outside / "secret.tf")
    (root / "main.tf").write_text('resource "azurerm_cognitive_account" "a" {\n  kind = "OpenAI"\n'
                                  '  location = var.location\n}\n')
    from cadre_hooks.scan import ScanOptions, run

    report, _ = run(ScanOptions(targets=(str(root),), cwd=root, jobs=1))
    assert [(u.path, u.region) for u in report.usages] == [("main.tf", None)]

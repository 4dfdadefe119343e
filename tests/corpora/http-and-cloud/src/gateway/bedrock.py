import boto3

runtime = boto3.client("bedrock-runtime", region_name="eu-west-3")

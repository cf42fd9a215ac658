#!/usr/bin/python
# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: avepoint_customer_info
short_description: Read the facts of AvePoint customers from the AvePoint Graph API
version_added: 1.0.0
description:
  - Reads one customer, a list of customers, or every customer the API app registration can see,
    and returns their facts in one shape whichever API answers.
  - Many IDs are fetched concurrently over one pooled connection set with one token, so one task
    handles hundreds of customers; never loop this module over IDs.
  - Every ID is checked to be a GUID before any request is made.
  - Never changes anything; C(changed) is always false and check mode behaves like a normal run.
author:
  - avepoint.graph contributors (@example-msp)
options:
  id:
    description:
      - ID of one customer (the tenant owner ID, a GUID).
      - Mutually exclusive with O(ids). Without O(id) and O(ids), every customer the app can see is returned.
    type: str
    aliases: [customer_id]
    version_added: 1.0.0
  ids:
    description:
      - IDs of several customers (GUIDs). Duplicates are fetched once.
      - Customers are returned in the order given; IDs the service does not know are returned in RV(missing_ids).
    type: list
    elements: str
    version_added: 1.0.0
extends_documentation_fragment:
  - avepoint.graph.connection
  - avepoint.graph.connection.modules
  - avepoint.graph.attributes.INFO_MODULE
requirements:
  - requests
  - jsonschema
  - cryptography and PyJWT (only for certificate authentication)
notes:
  - Customer IDs in results are lowercase, whatever letter case was asked for or returned.
seealso:
  - plugin: avepoint.graph.avepoint_customer
    plugin_type: lookup
    description: The same customer facts from a lookup, for use in templates and variables.
  - module: avepoint.graph.avepoint_job_info
    description: The customers' backup jobs and when each last succeeded.
  - name: AvePoint Graph API
    description: AvePoint's API reference.
    link: https://learn.avepoint.com/Docs/API/
"""

EXAMPLES = r"""
- name: Read one customer
  avepoint.graph.avepoint_customer_info:
    id: 0f8fad5b-d9cb-469f-a165-70867728950e
    client_id: "{{ avepoint_client_id }}"
    client_secret: "{{ avepoint_client_secret }}"
  register: contoso

- name: Show its backup status
  ansible.builtin.debug:
    msg: "{{ contoso.customers[0].organization }}: {{ contoso.customers[0].job_status }}"

- name: Read many customers in one task, connection options set once for the whole play
  module_defaults:
    group/avepoint.graph.avepoint:
      client_id: "{{ avepoint_client_id }}"
      client_secret: "{{ avepoint_client_secret }}"
  block:
    - name: Fetch the customers of this pipeline
      avepoint.graph.avepoint_customer_info:
        ids: "{{ customer_ids }}"
        concurrency: 16
      register: result

    - name: Fail if any customer is unknown to AvePoint
      ansible.builtin.assert:
        that: result.missing_ids | length == 0
        fail_msg: "Unknown customers: {{ result.missing_ids | join(', ') }}"

- name: Every customer the app registration can see (credentials from AVEPOINT_* variables)
  avepoint.graph.avepoint_customer_info:
  register: all_customers

- name: Customers whose backup is not working
  ansible.builtin.debug:
    msg: "{{ all_customers.customers | rejectattr('job_status', 'equalto', 'Working') | map(attribute='organization') }}"

- name: Elements API with smaller batches, and a list of at most 50 pages of 100 customers
  avepoint.graph.avepoint_customer_info:
    api: elements
    batch_size: 50
    max_pages: 50
  register: elements_customers
"""

RETURN = r"""
customers:
  description:
    - The customers found, in the order asked (the service's order when all customers are listed).
    - A fact the service sends as null is null (AvePoint does not document which may be); null tenants are an empty list.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Customer (tenant owner) ID, lowercase.
      type: str
      sample: 0f8fad5b-d9cb-469f-a165-70867728950e
    organization:
      description: Organization name.
      type: str
      sample: Contoso
    owner_email:
      description: E-mail address of the tenant owner.
      type: str
      sample: admin@contoso.example
    job_status:
      description:
        - Name of the backup job status, for example C(Working) or C(Failed); the same canonical name whichever
          API answered and however the partner API spelled it (C(No Backup Update) becomes C(No backup updates)).
        - A name this collection does not know is returned as sent, with C(job_status_code) null (and a warning).
      type: str
      sample: Working
    job_status_code:
      description: Numeric backup job status (1 is C(Working)), or null for a status name without a known code.
      type: int
      sample: 1
    country_or_region:
      description: Country or region display name, free text.
      type: str
      sample: Vietnam
    management_mode:
      description:
        - Who manages the customer, as the integer the service sends; C(0) customer-managed, C(1) partner-managed,
          C(2) to be configured.
      type: int
      returned: with O(api=elements)
      sample: 1
    tenants:
      description: The customer's Microsoft 365 tenants.
      type: list
      elements: dict
      returned: with O(api=elements)
      sample: [{"id": "54e06517-d690-52ee-93cb-865e2abce735", "name": "contoso.onmicrosoft.com"}]
missing_ids:
  description: Requested IDs the service does not know (HTTP 404), lowercase, in the order asked.
  returned: always
  type: list
  elements: str
  sample: []
service:
  description:
    - The service that answered, as the options chose it (no credential).
  returned: success
  type: dict
  version_added: 1.1.0
  sample: {"cloud": "commercial", "api": "partner", "api_url": "https://graph.avepointonlineservices.com"}
  contains:
    cloud:
      description: The O(cloud) option.
      type: str
    api:
      description: The API used, V(partner) or V(elements).
      type: str
    api_url:
      description: The API base URL used (O(api_url), or the one of O(cloud)).
      type: str
failed_ids:
  description:
    - When the task fails because some customers could not be read after all retries, every one of their IDs
      (the message lists the first 20). No customer list is returned then.
  returned: on failure of some customers
  type: list
  elements: str
  sample: [0f8fad5b-d9cb-469f-a165-70867728950e]
"""

from ansible_collections.avepoint.graph.plugins.module_utils._module_runtime import avepoint_module, run_module


def requested_ids(params: dict) -> list | None:
    """The IDs asked for, or None for every customer."""
    if params["id"] is not None:
        return [params["id"]]
    return params["ids"]


def run(module, client) -> dict:
    ids = requested_ids(module.params)
    # which service answered, so a caller can name it (the compliance role does for an empty list)
    service = {"cloud": module.params["cloud"], "api": client.settings.api, "api_url": client.settings.api_url}
    if ids is None:
        return {"changed": False, "customers": client.list_customers(), "missing_ids": [], "service": service}
    found = client.get_customers(ids)
    return {"changed": False, "customers": found.customers, "missing_ids": found.missing_ids, "service": service}


def main() -> None:
    module = avepoint_module(
        {
            "id": {"type": "str", "aliases": ["customer_id"]},
            "ids": {"type": "list", "elements": "str"},
        },
        mutually_exclusive=[("id", "ids")],
        supports_check_mode=True,
    )
    run_module(module, run)


if __name__ == "__main__":
    main()

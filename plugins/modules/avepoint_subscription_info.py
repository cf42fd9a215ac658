#!/usr/bin/python
# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: avepoint_subscription_info
short_description: Read what AvePoint customers pay for, when it ends, and whether the seats cover their licenses
version_added: 1.2.0
description:
  - Reads the subscriptions (AvePoint's services) of one customer, a list of customers, or every customer the API
    app registration can see, and returns them in one shape whichever API answers, for example
    the seats purchased and the Microsoft licenses assigned, the capacity, and when each subscription expires.
  - With O(api=partner) it reads C(GET /partner/services/{id}) per customer, concurrently, or C(GET /partner/services)
    for every customer; with O(api=elements) it posts batches of up to O(batch_size) IDs to
    C(POST /partner/external/v3/general/customers/services/batch), every page of each.
  - Every ID is checked to be a GUID before any request is made.
  - Never changes anything; C(changed) is always false and check mode behaves like a normal run.
author:
  - avepoint.graph contributors (@example-msp)
options:
  customer_id:
    description:
      - ID of one customer (the tenant owner ID, a GUID).
      - Mutually exclusive with O(customer_ids). Without O(customer_id) and O(customer_ids), the subscriptions of every
        customer the app can see are returned.
    type: str
    version_added: 1.2.0
  customer_ids:
    description:
      - IDs of several customers (GUIDs). Duplicates are read once.
      - Customers are returned in the order given; IDs the service does not know are returned in RV(missing_ids).
    type: list
    elements: str
    version_added: 1.2.0
  scope:
    description:
      - OAuth scope requested with the token (space-separated permission names).
      - Defaults to the permission this module needs on the selected O(api), C(partner.license.read.all) or
        C(elements.license.read.all), so it works next to M(avepoint.graph.avepoint_customer_info) in one play without
        any scope setting.
      - A scope set for several modules (for example in C(module_defaults) or E(AVEPOINT_SCOPE)) must name every
        permission they need, for example C(partner.customers.read.all partner.license.read.all).
      - If not set, the value of the E(AVEPOINT_SCOPE) environment variable is used.
    type: str
    version_added: 1.2.0
extends_documentation_fragment:
  - avepoint.graph.connection
  - avepoint.graph.connection.modules
  - avepoint.graph.attributes.INFO_MODULE
requirements:
  - requests
  - jsonschema
  - cryptography and PyJWT (only for certificate authentication)
notes:
  - The app registration needs the permission C(partner.license.read.all) (O(api=partner)) or C(elements.license.read.all)
    (O(api=elements)).
  - AvePoint sends every value of a subscription as text, and C(N/A) where a value does not apply, which is returned as
    null. Numbers become integers; sizes (C(5 GB)) become bytes with KB, MB, GB, TB as powers of 1024, like
    RV(avepoint.graph.avepoint_job_info#module:jobs[].backup_size_bytes), and the text is kept next to them;
    dates, which the partner API writes as a bare date (C(2025-04-05), taken as midnight UTC) and the Elements v3 API
    as C(2025-09-26T00:00:00Z), are returned as C(YYYY-MM-DDTHH:MM:SSZ) in UTC, so they compare correctly as text.
  - AvePoint also writes capacities as C(0/1 GB) without saying what the two numbers are (perhaps used of
    purchased). Such a size is returned as its text, with null bytes.
  - A count or size this collection cannot read is returned as null (the size's text is kept), and one warning per
    kind of value says so. A date that is no date fails the task, since expiry checks rest on it.
  - Customer IDs in results are lowercase, whatever letter case was asked for or returned.
seealso:
  - module: avepoint.graph.avepoint_customer_info
    description: The facts of the customers themselves.
  - plugin: avepoint.graph.avepoint_customer
    plugin_type: lookup
    description: Customer facts with their subscriptions (O(avepoint.graph.avepoint_customer#lookup:subscriptions=true)).
  - ref: ansible_collections.avepoint.graph.docsite.subscriptions
    description: The subscriptions guide, with a renewal report and the compliance rules on expiry and seats.
  - name: AvePoint Graph API
    description: AvePoint's API reference.
    link: https://learn.avepoint.com/Docs/API/
"""

EXAMPLES = r"""
- name: Subscriptions of one customer
  avepoint.graph.avepoint_subscription_info:
    customer_id: 0f8fad5b-d9cb-469f-a165-70867728950e
    client_id: "{{ avepoint_client_id }}"
    client_secret: "{{ avepoint_client_secret }}"
  register: contoso

- name: When does each of them end?
  ansible.builtin.debug:
    msg: "{{ item.service }}: {{ item.expiration_date | default('no end date', true) }}"
  loop: "{{ contoso.customers[0].subscriptions }}"

- name: Every customer's subscriptions (credentials from AVEPOINT_* variables), on the Elements v3 API
  avepoint.graph.avepoint_subscription_info:
    api: elements
  register: all_subscriptions

- name: Subscriptions with fewer seats than Microsoft licenses assigned
  ansible.builtin.debug:
    msg: "{{ item.0.organization }}: {{ item.1.seats_purchased }} seats of {{ item.1.service }} for {{ item.1.licenses_assigned }} licenses"
  loop: "{{ all_subscriptions.customers | subelements('subscriptions') }}"
  when:
    - item.1.seats_purchased is not none
    - item.1.licenses_assigned is not none
    - item.1.seats_purchased < item.1.licenses_assigned

- name: Subscriptions that end within 30 days
  vars:
    cutoff: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() + 30 * 86400, utc=true) }}"
  ansible.builtin.debug:
    msg: "{{ item.0.organization }}: {{ item.1.service }} ends {{ item.1.expiration_date }}"
  loop: "{{ all_subscriptions.customers | subelements('subscriptions') }}"
  when: item.1.expiration_date is not none and item.1.expiration_date < cutoff
"""

RETURN = r"""
customers:
  description:
    - One entry per customer found, in the order asked (the service's order when every customer is read).
  returned: always
  type: list
  elements: dict
  contains:
    customer_id:
      description: The customer (tenant owner) ID, lowercase.
      type: str
      sample: 0f8fad5b-d9cb-469f-a165-70867728950e
    organization:
      description: The organization name.
      type: str
      sample: Contoso
    subscriptions:
      description:
        - The customer's subscriptions (AvePoint's products), in the service's order; empty when it has none.
        - A value AvePoint writes as C(N/A), or leaves out, is null.
      type: list
      elements: dict
      contains:
        service:
          description: The service subscribed to.
          type: str
          sample: Cloud Backup for Microsoft 365
        subscription_model:
          description: The subscription model, for example C(Action and store), or null.
          type: str
          sample: null
        seats_purchased:
          description: User seats purchased, or null.
          type: int
          sample: 100
        units_purchased:
          description: Units purchased, or null.
          type: int
          sample: null
        licenses_assigned:
          description: Microsoft licenses assigned in the customer's tenants, or null.
          type: int
          sample: 124
        licenses_available:
          description: Microsoft licenses available (not assigned), or null.
          type: int
          sample: 133
        capacity_purchased_bytes:
          description: The capacity purchased in bytes (1 GB = 1024^3 bytes), or null (also for a C(0/1 GB) text).
          type: int
          sample: 5368709120
        capacity_protected_bytes:
          description: The capacity protected in bytes, or null.
          type: int
          sample: 0
        storage_consumed_bytes:
          description: The storage consumed in bytes, or null.
          type: int
          sample: null
        capacity_purchased:
          description: The capacity purchased as AvePoint wrote it, for example C(5 GB) or C(0/1 GB), or null.
          type: str
          sample: 5 GB
        capacity_protected:
          description: The capacity protected as AvePoint wrote it, or null.
          type: str
          sample: 0 GB
        storage_consumed:
          description: The storage consumed as AvePoint wrote it, or null.
          type: str
          sample: null
        storage:
          description: Where the backups are stored, for example C(AvePoint storage (Microsoft Azure Blob)) or C(Bring your own storage).
          type: str
          sample: AvePoint storage (Microsoft Azure Blob)
        retention:
          description: The retention, as AvePoint writes it, for example C(Retain data for 1 month), or null.
          type: str
          sample: Retain data for 1 month
        expiration_date:
          description: When the subscription expires (UTC), or null when it has no expiration date.
          type: str
          sample: "2026-12-14T00:00:00Z"
        contract_end_date:
          description: When the contract ends (UTC), or null.
          type: str
          sample: null
        source:
          description: Where the subscription comes from, for example C(AvePoint subscription) or C(AvePoint pooled subscription).
          type: str
          sample: AvePoint subscription
        payment_type:
          description: The payment type, for example C(Prepaid), or null.
          type: str
          sample: Prepaid
        package:
          description: The package, or null.
          type: str
          sample: null
        subscription_name:
          description: The subscription's name, or null.
          type: str
          sample: null
missing_ids:
  description: Requested IDs the service does not know (HTTP 404 from the partner API, absent from the Elements v3 answer), lowercase, in the order asked.
  returned: always
  type: list
  elements: str
  sample: []
failed_ids:
  description:
    - When the task fails because the subscriptions of some customers could not be read after all retries, their IDs
      (the message lists the first 20). No customer list is returned then.
  returned: on failure of some customers
  type: list
  elements: str
  sample: [0f8fad5b-d9cb-469f-a165-70867728950e]
"""

from ansible_collections.avepoint.graph.plugins.module_utils._module_runtime import avepoint_module, run_module

READS = ("subscriptions",)


def run(module, client) -> dict:
    params = module.params
    if params["customer_id"] is None and params["customer_ids"] is None:
        return {"changed": False, "customers": client.list_subscriptions(), "missing_ids": []}
    ids = [params["customer_id"]] if params["customer_id"] is not None else params["customer_ids"]
    found = client.get_subscriptions(ids)
    return {"changed": False, "customers": found.customers, "missing_ids": found.missing_ids}


def main() -> None:
    module = avepoint_module(
        {
            "customer_id": {"type": "str"},
            "customer_ids": {"type": "list", "elements": "str"},
        },
        mutually_exclusive=[("customer_id", "customer_ids")],
        supports_check_mode=True,
    )
    run_module(module, run, READS)


if __name__ == "__main__":
    main()

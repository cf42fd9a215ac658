#!/usr/bin/python
# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: avepoint_protection_info
short_description: Read which Microsoft 365 workloads of AvePoint customers are protected, and how completely
version_added: 1.2.0
description:
  - Reads the protected data overview of AvePoint Cloud Backup for Microsoft 365 for one or many customers, that is per
    workload (Exchange Online, SharePoint Online, OneDrive, Microsoft Teams...) how many objects AvePoint scanned and
    how many it protects.
  - A workload the API does not list for a customer is not protected. A customer whose OneDrive was never added to
    the backup has no C(OneDrive) entry, or one with no protected object.
  - The customers are read concurrently over one pooled connection set with one token, every page of each answer is
    read, so one task handles hundreds of customers; never loop this module.
  - Every customer ID is checked before any request is made.
  - Never changes anything; C(changed) is always false and check mode behaves like a normal run.
author:
  - avepoint.graph contributors (@example-msp)
options:
  customer_id:
    description:
      - ID of one customer (the tenant owner ID, a GUID).
      - Exactly one of O(customer_id) and O(customer_ids) is required.
    type: str
    version_added: 1.2.0
  customer_ids:
    description:
      - IDs of several customers (GUIDs). Duplicates are read once; results follow the order given.
    type: list
    elements: str
    version_added: 1.2.0
  scope:
    description:
      - OAuth scope requested with the token (space-separated permission names).
      - Defaults to the permission this module needs on the selected O(api), C(partner.cbprotected.read.all) or
        C(elements.cbprotected.read.all), so it works next to M(avepoint.graph.avepoint_customer_info) in one play
        without any scope setting.
      - A scope set for several modules (for example in C(module_defaults) or E(AVEPOINT_SCOPE)) must name every
        permission they need, for example C(partner.customers.read.all partner.cbprotected.read.all).
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
  - The app registration needs the permission C(partner.cbprotected.read.all) (O(api=partner), endpoint
    C(GET /partner/customers/{id}/protected)) or C(elements.cbprotected.read.all) (O(api=elements), endpoint
    C(GET /partner/external/v3/general/customers/{customerId}/cloud-backup-m365/overview)).
  - Workloads are named as M(avepoint.graph.avepoint_job_info) names job modules, whichever API answered and however it
    spelled them (the protection API's C(Microsoft 365 Group) is C(Microsoft 365 Groups), C(OneDrive for Business) is
    C(OneDrive)). A module this collection does not know is kept as sent, and one warning names it.
  - RV(customers[].workloads[].last_job_size_bytes) is the size of the last backup job of the workload (AvePoint documents
    both size fields as the size of the last job since February 2026, not as the total stored). It is the size the API
    gives for AvePoint's storage (C(dataSizeStoredInAvePoint)) plus the size for the customer's own storage
    (C(dataSizeStoredInBYOS)). A job writes to one of them and the other says C(N/A) or C(0 GB), so the sum is the size
    wherever the data went, which the API does not otherwise say. Sizes such as C(1.5 GB) are read with KB, MB, GB as
    powers of 1024. Null when both are C(N/A); null with a warning when one cannot be read.
  - AvePoint's published sample of the Elements v3 answer wraps it in C([ ]). An answer that comes so is read as the page
    it holds; a list of several pages fails the task.
  - An answer that lists data of another customer than the one asked for, or one workload of one service twice, fails the
    task (a contract error), rather than reporting facts that may be another customer's.
  - Customer IDs in results are lowercase, whatever letter case was asked for or returned.
seealso:
  - module: avepoint.graph.avepoint_job_info
    description: The backup jobs, and when each workload last backed up successfully.
  - plugin: avepoint.graph.avepoint_customer
    plugin_type: lookup
    description: Customer facts from a lookup; its option O(avepoint.graph.avepoint_customer#lookup:protection) adds these workloads.
  - ref: ansible_collections.avepoint.graph.docsite.protection
    description: The protection guide, with the permissions and the compliance rules that use these facts.
  - name: AvePoint Graph API
    description: AvePoint's API reference.
    link: https://learn.avepoint.com/Docs/API/
"""

EXAMPLES = r"""
- name: Protection of the customers of this pipeline, in one task
  avepoint.graph.avepoint_protection_info:
    customer_ids: "{{ customer_ids }}"
    client_id: "{{ avepoint_client_id }}"
    client_secret: "{{ avepoint_client_secret }}"
  register: protection

- name: Customers whose OneDrive is not protected
  ansible.builtin.debug:
    msg: "{{ protection.customers | rejectattr('protected_workloads', 'contains', 'OneDrive')
             | map(attribute='customer_id') | list }}"

- name: Workloads with less than 95% of their scanned objects protected
  ansible.builtin.debug:
    msg: "{{ item.0.customer_id }} {{ item.1.workload }}: {{ item.1.coverage_percent }}%"
  loop: "{{ protection.customers | subelements('workloads') }}"
  when: item.1.coverage_percent is not none and item.1.coverage_percent < 95
  loop_control:
    label: "{{ item.0.customer_id }} {{ item.1.workload }}"

- name: Customer facts and protection in one play, connection options set once (no scope setting needed)
  module_defaults:
    group/avepoint.graph.avepoint:
      client_id: "{{ avepoint_client_id }}"
      client_secret: "{{ avepoint_client_secret }}"
      api: elements
  block:
    - name: Read the customers
      avepoint.graph.avepoint_customer_info:
        ids: "{{ customer_ids }}"
      register: customers

    - name: Read their protection
      avepoint.graph.avepoint_protection_info:
        customer_ids: "{{ customers.customers | map(attribute='id') | list }}"
      register: protection
"""

RETURN = r"""
customers:
  description:
    - One entry per customer found, in the order asked.
  returned: always
  type: list
  elements: dict
  contains:
    customer_id:
      description: The customer ID, lowercase.
      type: str
      sample: 0f8fad5b-d9cb-469f-a165-70867728950e
    workloads:
      description:
        - Every workload the API lists for the customer, sorted by name (then service). A workload it does not list is
          not protected.
        - The same facts whichever API answered.
      type: list
      elements: dict
      contains:
        workload:
          description:
            - AvePoint's job module name of the workload (C(Exchange Online), C(SharePoint Online), C(OneDrive),
              C(Microsoft Teams), C(Microsoft 365 Groups)...), however the API spelled it; a module this collection does
              not know is kept as sent.
          type: str
          sample: OneDrive
        service:
          description: The service the workload is backed up by (C(serviceType)), as sent, or null.
          type: str
          sample: Cloud Backup for Microsoft 365
        scanned_objects:
          description: How many objects (mailboxes, sites, drives, teams...) AvePoint scanned, or null when the API left it out.
          type: int
          sample: 250
        protected_objects:
          description: How many of them AvePoint protects, or null when the API left it out.
          type: int
          sample: 248
        coverage_percent:
          description:
            - RV(customers[].workloads[].protected_objects) per 100 RV(customers[].workloads[].scanned_objects), rounded
              down to two decimals, so that it never shows more than is protected (9,999 of 10,000 is 99.99, not 100).
            - Null when nothing was scanned (or a count is null). It may exceed 100 when the API counts more protected
              objects than scanned ones.
          type: float
          sample: 99.2
        last_job_size_bytes:
          description:
            - The size of the workload's last backup job in bytes (AvePoint's storage plus the customer's own storage;
              see the notes), or null.
          type: int
          sample: 1610612736
    protected_workloads:
      description:
        - The names of the customer's workloads with at least one protected object, sorted.
        - A workload missing here is unprotected, whether the API lists it with no protected object or not at all.
      type: list
      elements: str
      sample: [Exchange Online, Microsoft Teams, SharePoint Online]
missing_ids:
  description: Requested customer IDs the protection API does not know (HTTP 404), lowercase, in the order asked.
  returned: always
  type: list
  elements: str
  sample: []
failed_ids:
  description:
    - When the task fails because the protection of some customers could not be read after all retries, their IDs
      (the message lists the first 20). Nothing else is returned then.
  returned: on failure of some customers
  type: list
  elements: str
  sample: [0f8fad5b-d9cb-469f-a165-70867728950e]
"""

from ansible_collections.avepoint.graph.plugins.module_utils._customer_ids import required_customer_ids
from ansible_collections.avepoint.graph.plugins.module_utils._module_runtime import customer_ids_asked, per_customer_module, run_module

READS = ("protection",)


def run(module, client) -> dict:
    report = client.get_protection(required_customer_ids(customer_ids_asked(module.params)))
    return {"changed": False, "customers": report.customers, "missing_ids": report.missing_ids}


def main() -> None:
    run_module(per_customer_module({}), run, READS)


if __name__ == "__main__":
    main()

# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: avepoint_customer
short_description: Look up the facts of AvePoint customers by ID
version_added: 1.0.0
description:
  - Returns the facts of each customer ID given as a term, in the same shape as the items of
    RV(avepoint.graph.avepoint_customer_info#module:customers).
  - Several IDs are fetched concurrently over one pooled connection set with one token.
  - Every ID is checked to be a GUID before any request is made.
  - Ansible runs a lookup again each time a variable that uses it is templated. Results are therefore kept
    in the memory of the process running the lookup for O(cache_ttl) seconds, so repeating the same
    lookup, for example in a task's C(vars:), does not repeat the requests.
  - Like every lookup, it runs on the Ansible controller and does not see a task's C(environment:).
author:
  - avepoint.graph contributors (@example-msp)
options:
  _terms:
    description:
      - Customer (tenant owner) IDs, GUIDs in any letter case. A list given as one term counts as its items.
      - The result has one dictionary per term, in the order given; a repeated ID is fetched once.
    type: list
    elements: str
    required: true
  on_missing:
    description:
      - What to do with an ID the service does not know (HTTP 404; also a customer outside the app
        registration's customer scope).
      - V(error) fails the lookup with an error naming the IDs.
      - V(warn) leaves the customer out of the result and shows a warning naming the ID.
      - V(skip) leaves the customer out of the result silently.
    type: str
    choices: [error, warn, skip]
    default: error
    version_added: 1.0.0
  cache_ttl:
    description:
      - How many seconds the facts of a customer, or the fact that it was not found, are reused by
        later runs of this lookup with the same connection options in the same process. V(0) turns
        the cache off, so every run asks the service.
      - The cache is kept in memory only, never on disk. Its key includes a SHA-256 hash of the connection
        options that say who asks and where (O(cloud), the URLs, O(api), O(scope), O(client_id) and every
        credential, with the content of the O(certificate_path) and O(private_key_path) files), so a
        different, replaced or unreadable credential never gets another's results; the credential itself
        is not kept in it.
      - Ansible runs each task in a new worker process, so the cache spans the templating done within
        one task (for example a lookup in a task's C(vars:) used several times); it does not carry
        results from one task to the next.
    type: float
    default: 60
    env:
      - name: AVEPOINT_LOOKUP_CACHE_TTL
    ini:
      - section: avepoint_graph
        key: lookup_cache_ttl
    version_added: 1.0.0
  last_success:
    description:
      - Also return C(last_success), the end time (UTC) of each customer's newest successful backup job, as
        RV(avepoint.graph.avepoint_job_info#module:customers[].last_success) returns it, or null.
      - The jobs of the customers are read in one bulk call with the same token, which then asks for the jobs
        permission too (C(partner.jobs.read.all) or C(elements.jobs.read.all)); a O(scope) you set must name it.
      - V(false) (the default) reads no job, so the lookup costs what it always did.
      - Cached results with and without C(last_success) are kept apart.
    type: bool
    default: false
    version_added: 1.1.0
  last_success_by_workload:
    description:
      - Also return C(last_success_by_workload), the end time (UTC) of the newest successful backup job of each
        workload (job module) among the customer's jobs, as
        RV(avepoint.graph.avepoint_job_info#module:customers[].last_success_by_workload) returns it; a workload whose
        jobs all failed maps to null, and a workload without any job is absent.
      - Read with the same one bulk call of the jobs as O(last_success) (either option or both), with the same
        permission.
      - V(false) (the default) reads no job. Cached results with and without it are kept apart.
    type: bool
    default: false
    version_added: 1.2.0
  subscriptions:
    description:
      - Also return C(subscriptions), each customer's subscriptions (services, seats, licenses, capacity, expiry) as
        RV(avepoint.graph.avepoint_subscription_info#module:customers[].subscriptions) returns them; an empty list when
        the services API lists none for the customer (or does not know it).
      - The subscriptions of the customers are read in one bulk call with the same token, which then asks for the
        license permission too (C(partner.license.read.all) or C(elements.license.read.all)); a O(scope) you set must name it.
      - V(false) (the default) reads no subscription.
      - Cached results with and without C(subscriptions) are kept apart.
    type: bool
    default: false
    version_added: 1.2.0
  protection:
    description:
      - Also return C(workloads) and C(protected_workloads), each customer's protection coverage per workload as
        RV(avepoint.graph.avepoint_protection_info#module:customers[].workloads) and
        RV(avepoint.graph.avepoint_protection_info#module:customers[].protected_workloads) return it.
      - The protection of the customers is read in one bulk call with the same token, which then asks for the protection
        permission too (C(partner.cbprotected.read.all) or C(elements.cbprotected.read.all)); a O(scope) you set must
        name it.
      - V(false) (the default) reads no protection data, so the lookup costs what it always did.
      - Cached results with and without C(workloads) are kept apart.
    type: bool
    default: false
    version_added: 1.2.0
extends_documentation_fragment:
  - avepoint.graph.connection
  - avepoint.graph.connection.plugins
requirements:
  - requests
  - jsonschema
notes:
  - Options come, in increasing order of precedence, from the C([avepoint_graph]) section of C(ansible.cfg),
    E(AVEPOINT_*) environment variables, C(ansible_avepoint_*) variables, and keyword arguments of the lookup.
  - C(ansible_avepoint_*) variables may be templates or vault-encrypted values, for example
    C(ansible_avepoint_client_secret) set to C({{ vault_avepoint_client_secret }}).
  - Errors are raised as lookup errors, so the usual C(errors='ignore') or C(errors='warn') keyword of
    C(lookup()) and C(query()) turns them into an empty result.
  - Customer IDs in results are lowercase, whatever letter case was asked for or returned.
  - An unknown keyword (for example a misspelt option name) is an error naming it, and a value outside
    an option's choices is an error listing them, before any request.
seealso:
  - module: avepoint.graph.avepoint_customer_info
    description: The same customer facts from a task, also for every customer the app registration can see.
  - module: avepoint.graph.avepoint_protection_info
    description: The protection coverage per workload from a task, which O(protection) adds here.
  - name: AvePoint Graph API
    description: AvePoint's API reference.
    link: https://learn.avepoint.com/Docs/API/
"""

EXAMPLES = r"""
# Connection options from variables, for example in group_vars/all.yml:
#   ansible_avepoint_client_id: 11111111-2222-3333-4444-555555555555
#   ansible_avepoint_client_secret: "{{ vault_avepoint_client_secret }}"

- name: Facts of one customer
  ansible.builtin.set_fact:
    contoso: "{{ lookup('avepoint.graph.avepoint_customer', '0f8fad5b-d9cb-469f-a165-70867728950e') }}"

- name: Show its backup status
  ansible.builtin.debug:
    msg: "{{ contoso.organization }}: {{ contoso.job_status }}"

- name: One line per customer of this pipeline (fetched concurrently, one token)
  ansible.builtin.debug:
    msg: "{{ item.organization }} ({{ item.country_or_region }}): {{ item.job_status }}"
  loop: "{{ query('avepoint.graph.avepoint_customer', customer_ids) }}"
  loop_control:
    label: "{{ item.id }}"

- name: Use the facts in task variables (templated twice here, but fetched once)
  ansible.builtin.debug:
    msg: "{{ customers | map(attribute='organization') | join(', ') }} - not working: {{ broken | length }}"
  vars:
    customers: "{{ query('avepoint.graph.avepoint_customer', customer_ids, on_missing='warn') }}"
    broken: "{{ customers | rejectattr('job_status', 'equalto', 'Working') }}"

- name: Connection options as keyword arguments
  ansible.builtin.set_fact:
    fabrikam: >-
      {{ lookup('avepoint.graph.avepoint_customer', fabrikam_id,
                client_id=avepoint_client_id, client_secret=avepoint_client_secret,
                cloud='us_gov', cache_ttl=0) }}

- name: Customers the service does not know are left out, the others are returned
  ansible.builtin.set_fact:
    known_customers: "{{ query('avepoint.graph.avepoint_customer', customer_ids, on_missing='skip') }}"

- name: Customers whose last successful backup is older than a day (jobs read in one bulk call)
  ansible.builtin.debug:
    msg: "{{ stale | map(attribute='organization') | join(', ') }}"
  vars:
    cutoff: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() - 86400, utc=true) }}"
    customers: "{{ query('avepoint.graph.avepoint_customer', customer_ids, last_success=true) }}"
    stale: >-
      {{ customers | selectattr('last_success', 'none') | list
         + customers | rejectattr('last_success', 'none') | selectattr('last_success', 'lt', cutoff) | list }}

- name: Subscriptions that end within 30 days (the subscriptions of all customers read in one bulk call)
  ansible.builtin.debug:
    msg: "{{ item.0.organization }}: {{ item.1.service }} ends {{ item.1.expiration_date }}"
  loop: "{{ query('avepoint.graph.avepoint_customer', customer_ids, subscriptions=true) | subelements('subscriptions') }}"
  when: item.1.expiration_date is not none and item.1.expiration_date < cutoff
  vars:
    cutoff: "{{ '%Y-%m-%dT%H:%M:%SZ' | strftime(now(utc=true).timestamp() + 30 * 86400, utc=true) }}"

- name: Customers whose OneDrive is not protected (protection read in one bulk call)
  ansible.builtin.debug:
    msg: "{{ customers | rejectattr('protected_workloads', 'contains', 'OneDrive') | map(attribute='organization') | join(', ') }}"
  vars:
    customers: "{{ query('avepoint.graph.avepoint_customer', customer_ids, protection=true) }}"

- name: An empty result instead of a failure when the service cannot be reached
  ansible.builtin.set_fact:
    maybe_customers: "{{ query('avepoint.graph.avepoint_customer', customer_ids, errors='ignore') }}"
"""

RETURN = r"""
_raw:
  description:
    - One dictionary of customer facts per term, in the order given (customers not found are left out
      with O(on_missing=warn) or O(on_missing=skip)).
    - With C(lookup()) and a single term, the dictionary itself; use C(query()) to always get a list.
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
      description: Who manages the customer (0 customer-managed, 1 partner-managed, 2 to be configured).
      type: int
      returned: when O(api=elements)
      sample: 1
    tenants:
      description: The customer's Microsoft 365 tenants.
      type: list
      elements: dict
      returned: when O(api=elements)
      sample: [{"id": "5c2a7e0b-2d4f-4b8e-9a51-0c7f3e9d1a22", "name": "contoso.onmicrosoft.com"}]
    last_success:
      description:
        - End time (UTC) of the customer's newest job with status C(Finished), or null when the jobs API returned
          none (or does not know the customer).
      type: str
      returned: when O(last_success=true)
      sample: "2026-11-29T08:00:00Z"
      version_added: 1.1.0
    last_success_by_workload:
      description:
        - The end time (UTC) of the newest job with status C(Finished) per workload (job module, by the name AvePoint
          documents for the Elements v3 API whichever API answered, for example C(OneDrive) for C(OneDrive for Business)),
          null for a workload with jobs but no success; empty when the jobs API returned no job (or does not know the
          customer).
      type: dict
      returned: when O(last_success_by_workload=true)
      sample: {"Exchange Online": null, "SharePoint Online": "2026-11-29T08:00:00Z"}
      version_added: 1.2.0
    subscriptions:
      description:
        - The customer's subscriptions, each with the facts of
          RV(avepoint.graph.avepoint_subscription_info#module:customers[].subscriptions) (C(service), C(seats_purchased),
          C(licenses_assigned), C(expiration_date)...); empty when the services API lists none (or does not know the customer).
      type: list
      elements: dict
      returned: when O(subscriptions=true)
      version_added: 1.2.0
    workloads:
      description:
        - The customer's workloads as the protection API lists them, sorted by name, each with C(workload), C(service),
          C(scanned_objects), C(protected_objects), C(coverage_percent) and C(last_job_size_bytes), as
          RV(avepoint.graph.avepoint_protection_info#module:customers[].workloads) returns them.
        - Empty when the protection API lists none (or does not know the customer).
      type: list
      elements: dict
      returned: when O(protection=true)
      sample: [{"workload": "Exchange Online", "service": "Cloud Backup for Microsoft 365", "scanned_objects": 25,
                "protected_objects": 25, "coverage_percent": 100.0, "last_job_size_bytes": 0}]
      version_added: 1.2.0
    protected_workloads:
      description:
        - The names of the customer's workloads with at least one protected object, sorted; a workload missing here is
          not protected.
      type: list
      elements: str
      returned: when O(protection=true)
      sample: [Exchange Online, Microsoft Teams, OneDrive, SharePoint Online]
      version_added: 1.2.0
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.avepoint.graph.plugins.module_utils._errors import AvePointError
from ansible_collections.avepoint.graph.plugins.plugin_utils._connection import PluginOptions
from ansible_collections.avepoint.graph.plugins.plugin_utils._customer_lookup import (
    cache_seconds, customer_ids_from_terms, lookup_customers)
from ansible_collections.avepoint.graph.plugins.plugin_utils._fact_options import enabled, reads

display = Display()


class LookupModule(PluginOptions, LookupBase):
    def run(self, terms, variables=None, **kwargs):
        try:
            self.set_options(var_options=variables or {}, direct=kwargs)  # checked, rendered: see PluginOptions
            ids = customer_ids_from_terms(terms)  # before anything else: bad input never reaches the network
            fact_options = enabled(self.get_option)  # last_success, last_success_by_workload, subscriptions, protection
            return lookup_customers(
                ids,
                self.connection_settings(reads(fact_options)),
                on_missing=self.get_option("on_missing"),
                cache_ttl=cache_seconds(self.get_option("cache_ttl")),
                warn=display.warning,
                fact_options=fact_options,
            )
        except AvePointError as error:
            # from None: no chained traceback (which could show option values) at any verbosity
            raise AnsibleLookupError(str(error)) from None

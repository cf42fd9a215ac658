# Copyright: (c) 2026, avepoint.graph contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# The option names, types, defaults, choices and environment variables here must match
# CONNECTION_OPTIONS in plugins/module_utils/_options.py (tests/unit/test_completeness.py checks that).
#
# Three parts, with no key in two of them (Ansible merges fragments key by key, and unions lists
# such as choices): DOCUMENTATION, what every consumer shares; MODULES, the types and choices
# that AnsibleModule checks; PLUGINS, the sources Ansible reads for the lookup and inventory
# plugins and the types that make Ansible hand their values over as given. Ansible's own
# conversion of a plugin option would lose what the user wrote (a 'bool' turns 'maybe', a typo or
# an empty variable into false, a 'path' turns an empty variable into the current directory, and
# choices are refused in Ansible's words, showing the value); the shared option table checks them
# instead, for modules and plugins alike.

from __future__ import annotations


class ModuleDocFragment:
    # Connection options of every module and plugin (modules add MODULES, plugins add PLUGINS).
    DOCUMENTATION = r"""
options:
  cloud:
    description:
      - The AvePoint cloud (data center family) to talk to, V(commercial), V(us_gov), V(aos2) or V(fedramp).
        It selects both the token URL and the API base URL; O(api_url) and O(token_url) override them.
      - If not set, the value of the E(AVEPOINT_CLOUD) environment variable is used.
    type: str
    default: commercial
    version_added: 1.0.0
  api_url:
    description:
      - Base URL of the AvePoint Graph API, without a path, for example C(https://graph.avepointonlineservices.com).
        Overrides the URL that O(cloud) selects.
      - Must use C(https://); plain C(http://) is accepted only for loopback addresses (the test simulator).
      - If not set, the value of the E(AVEPOINT_API_URL) environment variable is used.
    type: str
    version_added: 1.0.0
  token_url:
    description:
      - OAuth 2.0 token endpoint, for example C(https://identity.avepointonlineservices.com/connect/token).
        Overrides the URL that O(cloud) selects.
      - If not set, the value of the E(AVEPOINT_TOKEN_URL) environment variable is used.
    type: str
    version_added: 1.0.0
  client_id:
    description:
      - Application (client) ID of the API app registration in AvePoint Elements.
      - Required with O(client_secret).
      - If not set, the value of the E(AVEPOINT_CLIENT_ID) environment variable is used.
    type: str
    version_added: 1.0.0
  client_secret:
    description:
      - Client secret of the API app registration.
      - Give exactly one kind of credential, O(client_secret), a certificate (O(certificate_path) and
        O(private_key_path)) or O(access_token); giving two is an error.
      - If not set, the value of the E(AVEPOINT_CLIENT_SECRET) environment variable is used.
    type: str
    version_added: 1.0.0
  certificate_path:
    description:
      - PEM file with the certificate whose public part (C(.cer)) is uploaded to the API app registration.
        With O(private_key_path) it authenticates the app by an RS256-signed JWT client assertion instead of a client secret.
      - The certificate must be valid now; an expired certificate is rejected before any request.
      - A single PEM file holding both the key and the certificate may be given to both options.
      - Needs the Python libraries C(cryptography) and C(PyJWT).
      - If not set, the value of the E(AVEPOINT_CERTIFICATE_PATH) environment variable is used.
    version_added: 1.0.0
  private_key_path:
    description:
      - PEM file with the RSA private key of O(certificate_path) (PKCS#8 or traditional format, encrypted or not).
      - If not set, the value of the E(AVEPOINT_PRIVATE_KEY_PATH) environment variable is used.
    version_added: 1.0.0
  private_key_passphrase:
    description:
      - Passphrase of an encrypted O(private_key_path). Ignored when the key is not encrypted.
      - If not set, the value of the E(AVEPOINT_PRIVATE_KEY_PASSPHRASE) environment variable is used.
    type: str
    version_added: 1.0.0
  access_token:
    description:
      - A bearer token obtained elsewhere. It is used as is and cannot be refreshed.
      - If not set, the value of the E(AVEPOINT_ACCESS_TOKEN) environment variable is used.
    type: str
    version_added: 1.0.0
  api:
    description:
      - Which AvePoint API answers.
      - V(partner) uses the partner API, C(GET /partner/customers), C(GET /partner/customers/{id}), for jobs
        C(GET /partner/customers/{id}/jobs), for subscriptions C(GET /partner/services[/{id}]) and for protection
        C(GET /partner/customers/{id}/protected), with the permissions C(partner.customers.read.all),
        C(partner.jobs.read.all), C(partner.license.read.all) and C(partner.cbprotected.read.all). AvePoint has marked
        this API for deprecation.
      - V(elements) uses the Elements v3 API, C(POST /partner/external/v3/general/customers/batch) in batches of
        up to O(batch_size) IDs, for jobs the customer's C(avpt-products/jobs/batch) endpoint, for subscriptions
        C(POST /partner/external/v3/general/customers/services/batch) and for protection the customer's
        C(cloud-backup-m365/overview) endpoint, with the permissions C(elements.customers.read.all),
        C(elements.jobs.read.all), C(elements.license.read.all) and C(elements.cbprotected.read.all).
        Its customer facts add C(management_mode) and C(tenants).
      - Each module, lookup and inventory asks only for the permission of the data it reads.
      - If not set, the value of the E(AVEPOINT_API) environment variable is used.
    type: str
    default: partner
    version_added: 1.0.0
  scope:
    description:
      - OAuth scope requested with the token (space-separated permission names).
      - Defaults to the permission the selected O(api) needs, C(partner.customers.read.all) or C(elements.customers.read.all).
      - A scope set once for several modules (C(module_defaults), E(AVEPOINT_SCOPE)) must name every permission they need,
        for example C(partner.customers.read.all partner.jobs.read.all) next to M(avepoint.graph.avepoint_job_info).
      - If not set, the value of the E(AVEPOINT_SCOPE) environment variable is used.
    type: str
    version_added: 1.0.0
  validate_certs:
    description:
      - Whether to verify the TLS certificates of the token and API endpoints. Only turn this off for tests.
      - A boolean, V(true) or V(false) (also V(yes)/V(no), V(on)/V(off), V(1)/V(0)); any other value is an error,
        never false.
      - If not set, the value of the E(AVEPOINT_VALIDATE_CERTS) environment variable is used.
    default: true
    version_added: 1.0.0
  ca_path:
    description:
      - A PEM bundle of CA certificates to trust instead of the system default, for example a corporate proxy's CA.
      - If not set, the value of the E(AVEPOINT_CA_PATH) environment variable is used.
    version_added: 1.0.0
  timeout:
    description:
      - Seconds each attempt of a request may take, from connecting to the last byte of the response. A server
        that sends its answer too slowly (a few bytes at a time) is cut off at this limit, like one that does not answer.
      - A timed-out attempt is retried (see O(retries)); O(total_timeout) bounds the whole task.
      - If not set, the value of the E(AVEPOINT_TIMEOUT) environment variable is used.
    type: float
    default: 30
    version_added: 1.0.0
  retries:
    description:
      - How many times a transient failure (HTTP 408, 429, 500, 502, 503, 504, a dropped connection or
        a timeout) is retried, with capped exponential backoff that honours C(Retry-After) up to 60 seconds.
      - A host that cannot be reached at all is the same for every customer, so the whole bulk fetch stops with one
        error when the first request has used its retries on a refused or unroutable connection, or at once on an
        unknown host name or a TLS failure.
      - No retry waits past O(total_timeout).
      - If not set, the value of the E(AVEPOINT_RETRIES) environment variable is used.
    type: int
    default: 5
    version_added: 1.0.0
  proxy:
    description:
      - URL of an HTTP(S) or SOCKS proxy for both endpoints, for example C(http://proxy.example:3128).
        Without it the usual E(HTTPS_PROXY) and E(NO_PROXY) environment variables apply.
      - It may hold a user name and password (C(http://user:password@proxy.example:3128)); the value is
        treated as a secret and never shown, and errors name the proxy by its host and port only.
      - A plain C(http://) O(api_url) or O(token_url) (loopback only) through a proxy that is not on a loopback
        address is refused, as the proxy would see the credentials in clear.
      - If not set, the value of the E(AVEPOINT_PROXY) environment variable is used.
    type: str
    version_added: 1.0.0
  concurrency:
    description:
      - How many requests may be in flight at once during a bulk fetch (1 to 64). All workers share
        one pooled connection set and one token, and all pause together when the service answers 429 or 503.
      - If not set, the value of the E(AVEPOINT_CONCURRENCY) environment variable is used.
    type: int
    default: 16
    version_added: 1.0.0
  max_pages:
    description:
      - The most pages one customer list may have (1 to 100000). AvePoint does not document how the
        partner list is paged, nor a bound for the Elements v3 C(metadata.totalCount); a service that keeps
        sending a next page (or announces more customers than this many pages can hold) fails the task,
        naming the page count and this option, instead of running until it is killed.
      - A page that repeats a customer ID already seen, or adds no customer while linking to another page,
        fails at once whatever this limit.
      - With the Elements v3 API a page holds 100 customers, so the default allows 100,000 customers.
      - If not set, the value of the E(AVEPOINT_MAX_PAGES) environment variable is used.
    type: int
    default: 1000
    version_added: 1.1.0
  batch_size:
    description:
      - With O(api=elements), how many customer IDs are sent in one request (1 to 1000).
        AvePoint does not document the maximum of C(customerIds) per request.
      - If the service answers HTTP 400 saying a batch has too many IDs (its message mentions C(too many),
        C(at most), C(maximum), C(exceed), C(limit) or C(more than)), the batch is split in two halves and
        each half is sent once; a half that is refused again fails the task, naming this option.
      - Ignored with O(api=partner), which asks for one customer per request.
      - If not set, the value of the E(AVEPOINT_BATCH_SIZE) environment variable is used.
    type: int
    default: 100
    version_added: 1.1.0
  total_timeout:
    description:
      - Seconds the whole task (a module task, one lookup, one inventory source) may spend talking to the
        service, that is token requests, every request of a bulk fetch, their retries and every wait between them.
      - When it runs out, the task fails with one error saying what it was waiting for, instead of hanging a pipeline.
        Raise it for very large fetches over a slow link.
      - If not set, the value of the E(AVEPOINT_TOTAL_TIMEOUT) environment variable is used.
    type: float
    default: 300
    version_added: 1.1.0
notes:
  - Secrets (O(client_secret), O(private_key_passphrase), the private key, O(access_token), the password in O(proxy)
    and the tokens and client assertions obtained) are never logged or returned, in any spelling (for example
    URL-encoded or JSON-escaped, when a service repeats what it received).
"""

    # Types and choices of modules, checked by AnsibleModule before the shared option table.
    MODULES = r"""
options:
  cloud:
    choices: [aos2, commercial, fedramp, us_gov]
  api:
    choices: [elements, partner]
  validate_certs:
    type: bool
  certificate_path:
    type: path
  private_key_path:
    type: path
  ca_path:
    type: path
"""

    # Sources that lookup and inventory plugins also read (variables, environment, ansible.cfg), and
    # types under which Ansible hands booleans and paths over as given (see the top of this file).
    PLUGINS = r"""
options:
  cloud:
    env: [{name: AVEPOINT_CLOUD}]
    ini: [{section: avepoint_graph, key: cloud}]
    vars: [{name: ansible_avepoint_cloud}]
  api_url:
    env: [{name: AVEPOINT_API_URL}]
    ini: [{section: avepoint_graph, key: api_url}]
    vars: [{name: ansible_avepoint_api_url}]
  token_url:
    env: [{name: AVEPOINT_TOKEN_URL}]
    ini: [{section: avepoint_graph, key: token_url}]
    vars: [{name: ansible_avepoint_token_url}]
  client_id:
    env: [{name: AVEPOINT_CLIENT_ID}]
    ini: [{section: avepoint_graph, key: client_id}]
    vars: [{name: ansible_avepoint_client_id}]
  client_secret:
    env: [{name: AVEPOINT_CLIENT_SECRET}]
    ini: [{section: avepoint_graph, key: client_secret}]
    vars: [{name: ansible_avepoint_client_secret}]
  certificate_path:
    type: str
    env: [{name: AVEPOINT_CERTIFICATE_PATH}]
    ini: [{section: avepoint_graph, key: certificate_path}]
    vars: [{name: ansible_avepoint_certificate_path}]
  private_key_path:
    type: str
    env: [{name: AVEPOINT_PRIVATE_KEY_PATH}]
    ini: [{section: avepoint_graph, key: private_key_path}]
    vars: [{name: ansible_avepoint_private_key_path}]
  private_key_passphrase:
    env: [{name: AVEPOINT_PRIVATE_KEY_PASSPHRASE}]
    ini: [{section: avepoint_graph, key: private_key_passphrase}]
    vars: [{name: ansible_avepoint_private_key_passphrase}]
  access_token:
    env: [{name: AVEPOINT_ACCESS_TOKEN}]
    ini: [{section: avepoint_graph, key: access_token}]
    vars: [{name: ansible_avepoint_access_token}]
  api:
    env: [{name: AVEPOINT_API}]
    ini: [{section: avepoint_graph, key: api}]
    vars: [{name: ansible_avepoint_api}]
  scope:
    env: [{name: AVEPOINT_SCOPE}]
    ini: [{section: avepoint_graph, key: scope}]
    vars: [{name: ansible_avepoint_scope}]
  validate_certs:
    type: raw
    env: [{name: AVEPOINT_VALIDATE_CERTS}]
    ini: [{section: avepoint_graph, key: validate_certs}]
    vars: [{name: ansible_avepoint_validate_certs}]
  ca_path:
    type: str
    env: [{name: AVEPOINT_CA_PATH}]
    ini: [{section: avepoint_graph, key: ca_path}]
    vars: [{name: ansible_avepoint_ca_path}]
  timeout:
    env: [{name: AVEPOINT_TIMEOUT}]
    ini: [{section: avepoint_graph, key: timeout}]
    vars: [{name: ansible_avepoint_timeout}]
  retries:
    env: [{name: AVEPOINT_RETRIES}]
    ini: [{section: avepoint_graph, key: retries}]
    vars: [{name: ansible_avepoint_retries}]
  proxy:
    env: [{name: AVEPOINT_PROXY}]
    ini: [{section: avepoint_graph, key: proxy}]
    vars: [{name: ansible_avepoint_proxy}]
  concurrency:
    env: [{name: AVEPOINT_CONCURRENCY}]
    ini: [{section: avepoint_graph, key: concurrency}]
    vars: [{name: ansible_avepoint_concurrency}]
  max_pages:
    env: [{name: AVEPOINT_MAX_PAGES}]
    ini: [{section: avepoint_graph, key: max_pages}]
    vars: [{name: ansible_avepoint_max_pages}]
  batch_size:
    env: [{name: AVEPOINT_BATCH_SIZE}]
    ini: [{section: avepoint_graph, key: batch_size}]
    vars: [{name: ansible_avepoint_batch_size}]
  total_timeout:
    env: [{name: AVEPOINT_TOTAL_TIMEOUT}]
    ini: [{section: avepoint_graph, key: total_timeout}]
    vars: [{name: ansible_avepoint_total_timeout}]
"""

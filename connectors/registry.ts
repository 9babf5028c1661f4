// The built-in connectors by type. Adding one: create connectors/<type>/index.ts and list it here.
import type { AnyConnector } from './sdk/contract.js';
import { ConnectorError } from './sdk/contract.js';
import { csv } from './csv/index.js';
import { restJson } from './rest-json/index.js';
import { erpnext } from './erpnext/index.js';
import { odoo } from './odoo/index.js';
import { sapS4 } from './sap-s4/index.js';
import { woocommerce } from './woocommerce/index.js';
import { shopify } from './shopify/index.js';
import { supplierApi } from './supplier-api/index.js';

const CONNECTORS: AnyConnector[] = [restJson, csv, shopify, odoo, sapS4, woocommerce, erpnext, supplierApi];

export const CONNECTOR_TYPES: readonly string[] = CONNECTORS.map((c) => c.type);

export class ConnectorUnknownError extends ConnectorError {
  constructor(type: string) {
    super('CONNECTOR_UNKNOWN', `Unknown connector type "${type}". Known types: ${CONNECTOR_TYPES.join(', ')}. Check connectors[].type in hub.config, or scaffold one with \`stocksentry connector new ${type}\`.`);
    this.name = 'ConnectorUnknownError';
  }
}

export function connectorFor(type: string): AnyConnector {
  const connector = CONNECTORS.find((c) => c.type === type);
  if (!connector) throw new ConnectorUnknownError(type);
  return connector;
}

/** The small builders the parts of the OpenAPI document (`openapi*.ts`) write their schemas with. */

export type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Schema) => ({ 'application/json': { schema } });
export const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
export const error = (description: string) => ({ description, content: json(ref('Error')) });
export const body = (schema: Schema) => ({ required: true, content: json(schema) });
export const object = (properties: Record<string, Schema>, required: string[] = []): Schema => ({ type: 'object', properties, required });
export const nullable = (type: string, extra: Schema = {}): Schema => ({ type: [type, 'null'], ...extra });
export const array = (items: Schema): Schema => ({ type: 'array', items });

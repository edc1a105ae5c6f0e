// Grids and maps (docs/cases-api.md): the polygons of streets, communities and grids, point location.
import { request } from './http';

export type GeoLevel = 'street' | 'community' | 'grid';

export interface AreaProperties {
  unit_id: number;
  code: string;
  name: string;
  level: GeoLevel;
  parent_id: number | null;
  generated: boolean;
}

export interface AreaFeature {
  type: 'Feature';
  id?: number;
  properties: AreaProperties;
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

export interface AreaCollection {
  type: 'FeatureCollection';
  features: AreaFeature[];
}

export interface Located {
  grid_id: number;
  community_id: number;
  street_id: number;
}

export function getAreas(level: GeoLevel, silent = false): Promise<AreaCollection> {
  return request('GET', '/geo/areas', { query: { level }, silent });
}

export function locate(lon: number, lat: number): Promise<Located> {
  return request('GET', '/geo/locate', { query: { lon, lat }, silent: true });
}
